namespace DpSynth.Models.Tabular;

/// <summary>
/// Sharpens a range found by <see cref="MagnitudeBuckets"/> to a 32nd of an octave: its lowest and
/// highest buckets are each cut into <see cref="Parts"/> equal parts, one DP histogram (each value
/// in at most one part, so L2 sensitivity 1) counts them, and the range then starts at the first
/// part and ends at the last part whose noisy count reaches <see cref="ThresholdSigmas"/>·σ (the
/// bucket's own edge where none does). The exponential-mechanism bounds run inside it afterwards:
/// they weigh empty space by its length, so the less of it the range holds, the less they stray.
/// </summary>
internal sealed class RangeRefinement
{
    /// <summary>Parts each end bucket is cut into.</summary>
    public const int Parts = 32;

    /// <summary>
    /// Noise margin of a part, in σ: with at most 64 parts, the chance that an empty one passes
    /// stays near 0.2 % (a Gaussian passes 4σ with probability 3.2·10⁻⁵).
    /// </summary>
    public const double ThresholdSigmas = 4;

    private readonly int _first, _last;

    /// <summary>Refines the range from value bucket <paramref name="first"/> to <paramref name="last"/> (as chosen on the coarse histogram).</summary>
    public RangeRefinement(int first, int last)
    {
        if (first < 0 || last < first || last >= MagnitudeBuckets.ValueBuckets) throw new ArgumentOutOfRangeException(nameof(first), $"buckets {first}..{last} are not a range");
        _first = first;
        _last = last;
    }

    /// <summary>Number of classes: the parts of the first bucket, then those of the last one (when it is another bucket).</summary>
    public int Classes => _first == _last ? Parts : 2 * Parts;

    /// <summary>Whether there is anything to refine (exact zero is a point already).</summary>
    public bool Needed => _first != MagnitudeBuckets.Zero || _last != MagnitudeBuckets.Zero;

    /// <summary>Exact counts of the parts over <paramref name="values"/> (values elsewhere and NaN are not counted).</summary>
    public long[] CountsOf(ReadOnlySpan<double> values)
    {
        var counts = new long[Classes];
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            int b = MagnitudeBuckets.Of(v);
            if (b == _first && b != MagnitudeBuckets.Zero) counts[Part(b, v)]++;
            else if (b == _last && b != MagnitudeBuckets.Zero) counts[Parts + Part(b, v)]++;
        }
        return counts;
    }

    /// <summary>Post-processing of the released part counts: the refined [lower, upper].</summary>
    public (double Lower, double Upper) Choose(IReadOnlyList<long> noisy, double sigma)
    {
        double tau = ThresholdSigmas * sigma;
        double lower = MagnitudeBuckets.Edges(_first).Lower, upper = MagnitudeBuckets.Edges(_last).Upper;
        if (_first != MagnitudeBuckets.Zero)
            for (int j = 0; j < Parts; j++)
                if (noisy[j] >= tau) { lower = PartEdges(_first, j).Lower; break; }
        int offset = _first == _last ? 0 : Parts;
        if (_last != MagnitudeBuckets.Zero)
            for (int j = Parts - 1; j >= 0; j--)
                if (noisy[offset + j] >= tau) { upper = PartEdges(_last, j).Upper; break; }
        return upper > lower ? (lower, upper) : (MagnitudeBuckets.Edges(_first).Lower, MagnitudeBuckets.Edges(_last).Upper);
    }

    private static int Part(int bucket, double v)
    {
        var (lo, hi) = MagnitudeBuckets.Edges(bucket);
        return (int)Math.Clamp(Math.Floor((v - lo) / (hi - lo) * Parts), 0, Parts - 1);
    }

    private static (double Lower, double Upper) PartEdges(int bucket, int j)
    {
        var (lo, hi) = MagnitudeBuckets.Edges(bucket);
        double w = (hi - lo) / Parts;
        return (lo + j * w, j == Parts - 1 ? hi : lo + (j + 1) * w);
    }
}
