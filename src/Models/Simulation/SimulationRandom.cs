using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Simulation;

/// <summary>
/// The simulator's draws (uniform, normal, Bernoulli, categorical, Poisson) on
/// <see cref="Xoshiro256StarStar"/>, so simulated tables are identical across .NET versions.
/// For simulation only — never for privacy noise.
/// </summary>
internal sealed class SimulationRandom
{
    private readonly Xoshiro256StarStar _generator;

    public SimulationRandom(ulong seed) => _generator = new Xoshiro256StarStar(seed);

    public ulong NextULong() => _generator.NextULong();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller (one value per call: simplicity over speed).</summary>
    public double Normal()
    {
        double u = 1.0 - NextDouble(); // (0, 1], so the log is finite
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * NextDouble());
    }

    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>An index drawn with the given probabilities (which sum to 1).</summary>
    public int Categorical(ReadOnlySpan<double> probabilities)
    {
        double u = NextDouble();
        for (int k = 0; k < probabilities.Length - 1; k++)
        {
            u -= probabilities[k];
            if (u < 0) return k;
        }
        return probabilities.Length - 1;
    }

    /// <summary>Poisson by multiplying uniforms (Knuth); fine for the small means simulated here.</summary>
    public int Poisson(double mean)
    {
        if (mean > 60) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Normal()));
        double limit = Math.Exp(-mean), product = NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= NextDouble(); }
        return k;
    }

    /// <summary>An integer in [0, n).</summary>
    public int Next(int n) => (int)((NextULong() >> 33) * (ulong)n >> 31);
}
