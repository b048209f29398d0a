using System.Globalization;

namespace DpSynth.Models.Audit.Generators;

/// <summary>Settings of a black-box generator audit.</summary>
public sealed record GeneratorAuditOptions
{
    /// <summary>The generator kind (tablediffusion or dpvi).</summary>
    public required string Model { get; init; }

    /// <summary>The claimed ε of each fit.</summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>δ of each fit.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Fits in all, half with the target and half without; a multiple of 4 (each half of the runs is balanced).</summary>
    public int Runs { get; init; } = 200;

    /// <summary>Synthetic rows sampled from each fit (a public constant).</summary>
    public int SyntheticRows { get; init; } = 500;

    /// <summary>Significance level β of ε̂.</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>A fault injected on purpose (positive control), or none.</summary>
    public PositiveControl Control { get; init; }

    /// <summary>Compute device for generators that use one.</summary>
    public string Device { get; init; } = "simd";

    /// <summary>Fits run at once (each fit is small; two keep two cores busy).</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>Seed for a reproducible audit; null draws every key from the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!AuditedGenerators.Kinds.Contains(Model)) throw new ArgumentException($"unknown generator '{Model}' (expected {string.Join(" or ", AuditedGenerators.Kinds)})");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {F(Epsilon)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {F(Delta)}");
        if (Runs < 8 || Runs % 4 != 0 || Runs > 100_000) throw new ArgumentException($"runs must be a multiple of 4 between 8 and 100000, got {Runs}");
        if (SyntheticRows < 1 || SyntheticRows > 1_000_000) throw new ArgumentException($"synthetic rows must be between 1 and 1000000, got {SyntheticRows}");
        if (!(Beta > 0 && Beta < 1)) throw new ArgumentException($"beta must be in (0, 1), got {F(Beta)}");
        if (Parallelism < 1) throw new ArgumentException($"parallelism must be at least 1, got {Parallelism}");
    }
}
