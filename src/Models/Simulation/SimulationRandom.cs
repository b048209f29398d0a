namespace DpSynth.Models.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast generator whose output depends only on the
/// seed, so simulated tables are identical across .NET versions (System.Random makes no such
/// promise). For simulation only — never for privacy noise.
/// </summary>
internal sealed class SimulationRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimulationRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

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
