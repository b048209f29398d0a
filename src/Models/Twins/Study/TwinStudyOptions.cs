using System.Globalization;
using DpSynth.Models.Simulation;

namespace DpSynth.Models.Twins.Study;

/// <summary>Settings of <see cref="TwinStudy"/>; the defaults are the paper's experiment on the clinic simulator.</summary>
public sealed record TwinStudyOptions
{
    /// <summary>Number of centres (parties) of the simulated clinic.</summary>
    public int Centres { get; init; } = 16;

    /// <summary>Simulated rows over all centres (before the 80/20 split).</summary>
    public int Rows { get; init; } = 20_000;

    /// <summary>
    /// M, synthetic copies per twin. 5 keeps the study within minutes on two cores while giving
    /// Rubin's between-copy variance B four degrees of freedom.
    /// </summary>
    public int Copies { get; init; } = 5;

    /// <summary>R, random orders in which the other centres' twins join each centre.</summary>
    public int Orders { get; init; } = 5;

    /// <summary>Largest number k of other centres' twins joined; null for all (<see cref="Centres"/> − 1).</summary>
    public int? MaxPartners { get; init; }

    /// <summary>Each centre's privacy budget ε for its twin.</summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>δ of each twin's guarantee.</summary>
    public double Delta { get; init; } = 1e-6;

    /// <summary>The regression: Poisson on <c>visits</c> or logistic on <c>event</c>.</summary>
    public GlmFamily Family { get; init; } = GlmFamily.Poisson;

    /// <summary>Share of each centre's rows held out; the union of the held-out parts is the global test set.</summary>
    public double TestShare { get; init; } = 0.2;

    /// <summary>Seed of the simulation, the splits and the join orders.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Whether the generators get seeds derived from <see cref="Seed"/> (reproducible, not secret) or use secure randomness.</summary>
    public bool SeedGenerator { get; init; } = true;

    /// <summary>Threads for the analysis (fits of different centres run in parallel).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Convergence settings of every GLM fit.</summary>
    public GlmFitOptions Fit { get; init; } = new();

    /// <summary>The largest k actually used.</summary>
    public int MaxK => MaxPartners ?? Centres - 1;

    /// <summary>The simulator's true model of the outcome analysed.</summary>
    public ClinicOutcomeModel TrueModel => Family == GlmFamily.Poisson ? ClinicSimulator.PoissonModel : ClinicSimulator.LogisticModel;

    /// <summary>Refuses impossible settings with an <see cref="ArgumentException"/> naming the value.</summary>
    public void Validate()
    {
        static string S(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (Centres is < 2 or > 256) throw new ArgumentException($"centres must be between 2 and 256, got {Centres}");
        if (Rows < 50 * Centres || Rows > 5_000_000) throw new ArgumentException($"rows must be between 50 per centre ({50 * Centres}) and 5000000, got {Rows}");
        if (Copies is < 2 or > 1000) throw new ArgumentException($"copies must be between 2 and 1000 (pooling needs at least 2), got {Copies}");
        if (Orders is < 1 or > 1000) throw new ArgumentException($"orders must be between 1 and 1000, got {Orders}");
        if (MaxK < 1 || MaxK > Centres - 1) throw new ArgumentException($"the largest k must be between 1 and centres - 1 ({Centres - 1}), got {MaxK}");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {S(Epsilon)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {S(Delta)}");
        if (!(TestShare > 0 && TestShare < 1)) throw new ArgumentException($"the test share must be in (0, 1), got {S(TestShare)}");
        if (Parallelism < 1) throw new ArgumentException($"parallelism must be at least 1, got {Parallelism}");
    }
}
