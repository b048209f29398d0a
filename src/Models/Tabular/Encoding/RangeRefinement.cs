namespace DpSynth.Models.Tabular;

/// <summary>
/// Sharpens a range found by <see cref="MagnitudeBuckets"/> to an eighth of an octave: its lowest and
/// highest buckets are each cut into <see cref="Parts"/> equal parts and one DP histogram (each
/// value in at most one part, so L2 sensitivity 1) counts them. Parts are then trimmed from each
/// end while the trimmed values are confidently fewer than the bounds would clamp anyway (the
/// noisy running count plus <see cref="MarginSigmas"/>·σ·√parts stays within p·n̂). Empty space
/// beside the data is trimmed this way, the data's own tail is not. The exponential-mechanism
/// bounds run inside the result: they weigh empty space by its length, so the less of it the range
/// holds, the less they stray.
/// </summary>
internal sealed class RangeRefinement
{
    /// <summary>
    /// Parts each end bucket is cut into. Trimming sums parts, and the noise of a sum grows with
    /// its number of parts, so finer parts would let less empty space be trimmed, not more.
    /// </summary>
    public const int Parts = 8;

    /// <summary>
    /// Noise margin, in σ, of the running count of trimmed values (trimming more than the allowance
    /// happens with probability about 2 % at each step, and then only slightly), and of the noise a
    /// cell's base-measure weight is shrunk by.
    /// </summary>
    public const double MarginSigmas = 2;

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

    /// <summary>Post-processing of the released part counts: the refined range and, at each end, the mass empty space may hold.</summary>
    /// <param name="noisy">The released part counts.</param>
    /// <param name="sigma">Their noise scale.</param>
    /// <param name="allowance">How many values each end may lose to trimming (p·n̂, what the bounds clamp anyway).</param>
    /// <returns>
    /// The range, and for each end the noisy mass (each part at least 1) of the kept parts from the
    /// outside up to the first that clearly holds values (≥ <see cref="ClearSigmas"/>·σ): an upper
    /// bound on what empty space inside the range weighs there, for <see cref="BoundsLevel"/>.
    /// </returns>
    public (double Lower, double Upper, double LowMass, double HighMass) Choose(IReadOnlyList<long> noisy, double sigma, double allowance)
    {
        var (bucketLower, bucketUpper) = (MagnitudeBuckets.Edges(_first).Lower, MagnitudeBuckets.Edges(_last).Upper);
        double lower = bucketLower, upper = bucketUpper, lowMass = 1, highMass = 1;
        if (_first != MagnitudeBuckets.Zero)
        {
            int trimmed = Trim(j => noisy[j], sigma, allowance);
            if (trimmed > 0) lower = PartEdges(_first, trimmed - 1).Upper;
            lowMass = EdgeMass(j => noisy[j], trimmed, sigma);
        }
        int offset = _first == _last ? 0 : Parts;
        if (_last != MagnitudeBuckets.Zero)
        {
            int trimmed = Trim(j => noisy[offset + Parts - 1 - j], sigma, allowance);
            if (trimmed > 0) upper = PartEdges(_last, Parts - trimmed).Lower;
            highMass = EdgeMass(j => noisy[offset + Parts - 1 - j], trimmed, sigma);
        }
        return upper > lower ? (lower, upper, lowMass, highMass) : (bucketLower, bucketUpper, lowMass, highMass);
    }

    /// <summary>
    /// Mass empty space may hold at one end under the base measure of <see cref="Cells"/>: none
    /// when the trimmed parts clearly held values (the data runs on past the kept edge); else one
    /// for each kept part, from the outside up to the first that clearly holds values, whose count
    /// the noise explains (below <see cref="MarginSigmas"/>·σ: weight 1), and one for the outer rest
    /// of that first part (whose count sits on its inner side). Parts above the noise are taken to
    /// hold values: an empty one gets there with probability 2 %, and then weighs a fraction of σ.
    /// </summary>
    private static double EdgeMass(Func<int, long> countFromOutside, int trimmed, double sigma)
    {
        double cut = 0;
        for (int j = 0; j < trimmed; j++) cut += countFromOutside(j);
        if (trimmed > 0 && cut >= MarginSigmas * sigma * Math.Sqrt(trimmed)) return 1;
        double mass = 0;
        for (int j = trimmed; j < Parts; j++)
        {
            long count = countFromOutside(j);
            if (Clear(count, sigma)) return mass + 1;
            if (count < MarginSigmas * sigma) mass += 1;
        }
        return Math.Max(1, mass);
    }

    /// <summary>
    /// The quantile level a bound should sit at so that the exponential mechanism (ε per bound, n̂
    /// values) seldom lands in empty space of base-measure mass <paramref name="emptyMass"/>: it
    /// weighs that space c·e^(−ε·p·n̂/2) against about 4/ε near the p-quantile, so p·n̂ ≥ 2·ln(250·ε·c)/ε
    /// keeps the odds near 0.1 % (a fit draws two bounds per numeric column, and a stray one can put
    /// a few percent of the column's samples outside the data). Where the released counts show no
    /// empty space at an end (c ≈ 1), p stays at the floor. Never below <paramref name="floor"/>,
    /// never above <paramref name="ceiling"/>.
    /// </summary>
    public static double BoundsLevel(double epsilon, double values, double emptyMass, double floor, double ceiling) =>
        Math.Clamp(2 * Math.Log(Math.Max(1, 250 * epsilon * emptyMass)) / (epsilon * Math.Max(1, values)), floor, Math.Max(floor, ceiling));

    /// <summary>How many parts, counted from the outside, can go while their values are confidently within the allowance.</summary>
    private static int Trim(Func<int, long> countFromOutside, double sigma, double allowance)
    {
        double running = 0;
        for (int j = 0; j < Parts; j++)
        {
            running += countFromOutside(j);
            if (running + MarginSigmas * sigma * Math.Sqrt(j + 1) > allowance) return j;
        }
        return Parts;
    }

    /// <summary>
    /// The base-measure cells between the two end buckets, ascending: the parts of the end buckets
    /// and the whole buckets between them (exact zero as a point), each weighing its noisy count
    /// less <see cref="MarginSigmas"/>·σ (at least 1), so that a cell the noise could explain weighs
    /// next to nothing. At each end of the kept range [<paramref name="keptLower"/>, <paramref name="keptUpper"/>],
    /// the first cell that clearly holds values is split when it is sparser than its inner
    /// neighbour: its values are taken to fill only the inner width they would take at the
    /// neighbour's density, and its outer rest weighs 1 — where a column stops inside a part, the
    /// empty rest of that part then weighs next to nothing too.
    /// </summary>
    public List<(double Lower, double Upper, double Mass)> Cells(IReadOnlyList<long> noisyBuckets, double bucketSigma,
        IReadOnlyList<long> noisyParts, double partSigma, double keptLower, double keptUpper)
    {
        var cells = new List<(double Lower, double Upper, long Count, double Sigma)>();
        for (int b = _first; b <= _last; b++)
        {
            if (b == MagnitudeBuckets.Zero) { cells.Add((0, 0, noisyBuckets[b], bucketSigma)); continue; }
            if (b != _first && b != _last)
            {
                var (lo, hi) = MagnitudeBuckets.Edges(b);
                cells.Add((lo, hi, noisyBuckets[b], bucketSigma));
                continue;
            }
            int offset = b == _first ? 0 : Parts;
            for (int j = 0; j < Parts; j++)
            {
                var (lo, hi) = PartEdges(b, j);
                cells.Add((lo, hi, noisyParts[offset + j], partSigma));
            }
        }
        int low = cells.FindIndex(c => c.Upper > keptLower && c.Upper > c.Lower && Clear(c.Count, c.Sigma));
        int high = cells.FindLastIndex(c => c.Lower < keptUpper && c.Upper > c.Lower && Clear(c.Count, c.Sigma));
        // The high end first, so that a split at the low end does not shift its index.
        if (high > 0 && high != low) SplitTowards(cells, high, high - 1);
        if (low >= 0 && low + 1 < cells.Count && low != high) SplitTowards(cells, low, low + 1);
        return cells.Select(c => (c.Lower, c.Upper, Weight(c.Count, c.Sigma))).ToList();
    }

    /// <summary>
    /// Whether a cell clearly holds values: its count is beyond <see cref="ClearSigmas"/>·σ, which
    /// an empty cell reaches with probability 3·10⁻⁵, so the data's edge is not placed on noise.
    /// </summary>
    private static bool Clear(long count, double sigma) => count >= ClearSigmas * sigma;

    /// <summary>Noise margin, in σ, beyond which a cell's count shows that it holds values.</summary>
    public const double ClearSigmas = 4;

    /// <summary>Base-measure weight of a cell with a noisy count: what the noise cannot explain, at least 1.</summary>
    private static double Weight(long count, double sigma) => Math.Max(1, count - MarginSigmas * sigma);

    /// <summary>Splits cell <paramref name="edge"/> when it is sparser than its neighbour: its count moves to the side facing the neighbour (no split when the values would fill it).</summary>
    private static void SplitTowards(List<(double Lower, double Upper, long Count, double Sigma)> cells, int edge, int neighbour)
    {
        var (lo, hi, count, sigma) = cells[edge];
        var (nextLo, nextHi, next, _) = cells[neighbour];
        if (!(count >= 1 && next >= 1 && nextHi > nextLo)) return;
        // The width the part's values fill at the neighbour's density (neighbours may be parts of different octaves).
        double filled = count * (nextHi - nextLo) / next;
        bool inward = neighbour > edge;
        double cut = inward ? hi - filled : lo + filled;
        if (!(cut > lo && cut < hi)) return;
        // The outer rest gets a count that weighs 1.
        long empty = (long)Math.Ceiling(MarginSigmas * sigma);
        (double, double, long, double) outer = inward ? (lo, cut, empty, sigma) : (cut, hi, empty, sigma), inner = inward ? (cut, hi, count, sigma) : (lo, cut, count, sigma);
        cells[edge] = inward ? outer : inner;
        cells.Insert(edge + 1, inward ? inner : outer);
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
