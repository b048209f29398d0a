namespace DpSynth.Models.Tabular;

/// <summary>
/// Public, data-independent buckets for finding where a numeric column's values lie: exact zero,
/// and for each sign the octaves [2^k, 2^(k+1)) for k = <see cref="MinExponent"/>…<see cref="MaxExponent"/>
/// (the lowest one reaching down to 0, the highest holding everything above), ordered by value,
/// then one class for missing cells. Every value falls in exactly one class, so their histogram
/// has L2 sensitivity 1 under add/remove, and a scale from 10⁻³ to 10¹⁸ is covered without
/// a declared search range.
/// </summary>
internal static class MagnitudeBuckets
{
    /// <summary>Lowest octave exponent: magnitudes below 2^-9 share the first octave (down to 0).</summary>
    public const int MinExponent = -10;

    /// <summary>Highest octave exponent: magnitudes from 2^60 (≈ 1.2e18) up share the last octave.</summary>
    public const int MaxExponent = 60;

    private const int Octaves = MaxExponent - MinExponent + 1;

    /// <summary>Index of the bucket holding exactly 0 (negative octaves come before it, positive ones after).</summary>
    public const int Zero = Octaves;

    /// <summary>Number of value buckets.</summary>
    public const int ValueBuckets = 2 * Octaves + 1;

    /// <summary>Index of the class of missing cells (after the value buckets).</summary>
    public const int Missing = ValueBuckets;

    /// <summary>Number of classes (value buckets and the missing class).</summary>
    public const int Count = ValueBuckets + 1;

    /// <summary>
    /// How far above the noise, in σ, a bucket's count must be to count as holding data. With 143
    /// buckets, 4.4σ keeps the chance that any empty one passes below 10⁻³ (one Gaussian tail is
    /// 5.4·10⁻⁶), so an empty far octave almost never stretches the range.
    /// </summary>
    public const double ThresholdSigmas = 4.4;

    /// <summary>The class of <paramref name="v"/> (NaN is missing).</summary>
    public static int Of(double v)
    {
        if (double.IsNaN(v)) return Missing;
        if (v == 0) return Zero;
        int k = Math.Clamp(Math.ILogB(v), MinExponent, MaxExponent) - MinExponent;
        return v > 0 ? Zero + 1 + k : Zero - 1 - k;
    }

    /// <summary>The value range of bucket <paramref name="bucket"/>: [lower, upper) for positive octaves, (lower, upper] for negative ones.</summary>
    public static (double Lower, double Upper) Edges(int bucket)
    {
        if (bucket < 0 || bucket >= ValueBuckets) throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "not a value bucket");
        if (bucket == Zero) return (0, 0);
        int k = (bucket > Zero ? bucket - Zero - 1 : Zero - 1 - bucket) + MinExponent;
        double lower = k == MinExponent ? 0 : Math.ScaleB(1, k), upper = Math.ScaleB(1, k + 1);
        return bucket > Zero ? (lower, upper) : (-upper, -lower);
    }

    /// <summary>Exact counts of each class over <paramref name="values"/> (NaN = missing).</summary>
    public static long[] CountsOf(ReadOnlySpan<double> values)
    {
        var counts = new long[Count];
        foreach (double v in values) counts[Of(v)]++;
        return counts;
    }

    /// <summary>
    /// Post-processing of a released histogram: the lowest and highest value bucket whose noisy
    /// count reaches <see cref="ThresholdSigmas"/>·σ (the most populous bucket when none does), and
    /// the noisy number of values in the passing buckets (at least 1).
    /// </summary>
    public static (int First, int Last, double Values) ChooseRange(IReadOnlyList<long> noisy, double sigma)
    {
        double tau = ThresholdSigmas * sigma;
        int first = -1, last = -1;
        double values = 0;
        for (int b = 0; b < ValueBuckets; b++)
        {
            if (noisy[b] < tau) continue;
            if (first < 0) first = b;
            last = b;
            values += noisy[b];
        }
        if (first < 0)
        {
            first = last = 0;
            for (int b = 1; b < ValueBuckets; b++) if (noisy[b] > noisy[first]) first = last = b;
            values = Math.Max(1, noisy[first]);
        }
        return (first, last, values);
    }
}
