using DpSynth.Models.Tabular.Inference;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tabular;

internal static partial class EncoderFitter
{
    /// <summary>Largest bounds level the empty-space rule may raise p to (tiny tables or budgets).</summary>
    private const double MaxBoundsLevel = 0.1;

    /// <summary>An integer column whose public range has at most K whole numbers: binned one bin per number, with no DP stage.</summary>
    private static bool ShortIntegerRange(ColumnSchema c, EncoderFitOptions o) =>
        c.PublicBounds is { } b && ShortIntegerRange(c, o, b.Min, b.Max);

    private static bool ShortIntegerRange(ColumnSchema c, EncoderFitOptions o, double lo, double hi) =>
        o.Numeric == NumericTransform.Bins && c.Kind == ColumnKind.Integer && Math.Floor(hi) - Math.Ceiling(lo) + 1 <= o.QuantileSegments;

    /// <summary>The column's bounds, missing flag and decimals, with where each came from.</summary>
    private sealed record NumericFacts(double Lower, double Upper, bool HasMissing, int? Decimals, string Provenance)
    {
        /// <summary>The base measure the quantile grid is weighed by (from the released range histograms), or null for length.</summary>
        public PiecewiseMeasure? Prior { get; init; }
    }

    private static ColumnEncoder FitNumeric(ColumnFit f, NumericColumn column)
    {
        var facts = Facts(f, column);
        double[] values = NonMissing(column.Values);
        return f.Options.Numeric == NumericTransform.Bins ? FitBins(f, values, facts) : FitTransform(f, values, facts);
    }

    /// <summary>
    /// Public bounds as declared; otherwise a DP histogram over <see cref="MagnitudeBuckets"/> finds
    /// where the values start and end (and, for an inferred schema, whether missing cells occur),
    /// then two DP quantiles inside that range give the clamp bounds. Decimals are declared, learnt
    /// with DP, or none.
    /// </summary>
    private static NumericFacts Facts(ColumnFit f, NumericColumn column)
    {
        var (c, o) = (f.Column, f.Options);
        bool integer = c.Kind == ColumnKind.Integer;
        var (decimals, provenance) = Decimals(f, column);
        if (c.PublicBounds is { } pb) return new NumericFacts(pb.Min, pb.Max, c.Missing, decimals, "public bounds" + provenance);

        string rangeStage = $"range of column {c.Name}";
        double rangeSigma = f.Budget!.HistogramSigma(PrivateStatistic.Range);
        var noisy = DpHistogram.ReleaseCounts(MagnitudeBuckets.CountsOf(column.Values), rangeSigma, f.Random, f.Ledger!, rangeStage,
            "histogram over sign x power-of-two buckets and missing (discrete Gaussian)");
        bool hasMissing = DecideMissing(f, noisy[MagnitudeBuckets.Missing], rangeSigma);
        var (first, last, count) = MagnitudeBuckets.ChooseRange(noisy, rangeSigma);
        var refinement = new RangeRefinement(first, last);
        string refineStage = $"range ends of column {c.Name}";
        double refineSigma = f.Budget.HistogramSigma(PrivateStatistic.RangeEnds);
        // Always released, even when there is nothing to refine, so that the ledger's stages do not depend on the data.
        var parts = DpHistogram.ReleaseCounts(refinement.CountsOf(column.Values), refineSigma, f.Random, f.Ledger!, refineStage,
            $"histogram over {RangeRefinement.Parts} parts of each end bucket (discrete Gaussian)");
        string boundsStage = $"bounds of column {c.Name}";
        double epsilon = f.Budget.QuantileEpsilon(PrivateStatistic.Bounds, 2);
        // Trimming is for empty space: it may take no more values than the bounds clamp at the least.
        double allowance = o.BoundsLevel * count;
        var (lower, upper, lowMass, highMass) = refinement.Choose(parts, refineSigma, allowance);
        double low = RangeRefinement.BoundsLevel(epsilon, count, lowMass, o.BoundsLevel, MaxBoundsLevel);
        double high = RangeRefinement.BoundsLevel(epsilon, count, highMass, o.BoundsLevel, MaxBoundsLevel);
        if (integer) (lower, upper) = (Math.Floor(lower), Math.Ceiling(upper));
        if (!(upper > lower)) upper = lower + 1; // a column of one value (e.g. all zeros): a unit range around it

        double pad = integer ? 0.5 : 0;
        var prior = RangePrior.Build(refinement.Cells(noisy, rangeSigma, parts, refineSigma, lower, upper), integer, lower - pad, upper + pad);
        var b = DpQuantiles.Release(Spread(NonMissing(column.Values), integer, f), [low, 1 - high], lower - pad, upper + pad, epsilon, f.Random, f.Ledger!, boundsStage, prior);
        double lo = Math.Min(b[0], b[1]), hi = Math.Max(b[0], b[1]);
        if (integer) (lo, hi) = (Math.Round(lo), Math.Round(hi));
        // Post-processing of the DP output: a collapsed range is widened so that the grid is valid.
        if (!(hi > lo)) hi = lo + (integer ? 1 : Math.Max(1e-9, Math.Abs(lo) * 1e-6));
        provenance = $"DP range [{lower:R}, {upper:R}] from sign x power-of-two counts (ledger stages '{rangeStage}', '{refineStage}'), DP bounds at quantiles {low:0.####} and {1 - high:0.####} inside it weighed by those counts (ledger stage '{boundsStage}')"
            + MissingProvenance(f, hasMissing, rangeStage) + provenance;
        return new NumericFacts(lo, hi, hasMissing, decimals, provenance) { Prior = prior };
    }

    /// <summary>Decimals of a continuous column: declared, learnt from a DP histogram of decimals (<see cref="NoisyDecisions.Precision"/>), or none.</summary>
    private static (int? Decimals, string Provenance) Decimals(ColumnFit f, NumericColumn column)
    {
        var c = f.Column;
        if (c.Kind != ColumnKind.Continuous) return (null, "");
        if (c.Precision is int declared) return (declared, $"; rounded to {declared} decimals ({(f.Options.LearnPrecision ? "declared" : "inferred with DP")})");
        if (!f.Has(PrivateStatistic.Precision)) return (null, "");
        var exact = new long[CellShape.MaxDecimals + 2];
        foreach (double v in column.Values)
            if (!double.IsNaN(v)) exact[CellShape.OfNumber(v) - CellShape.Whole]++;
        string stage = $"precision of column {c.Name}";
        double sigma = f.Budget!.HistogramSigma(PrivateStatistic.Precision);
        // Missing cells are left out: each record still adds to at most one class.
        var noisy = DpHistogram.ReleaseCounts(exact, sigma, f.Random, f.Ledger!, stage, "histogram of decimals (discrete Gaussian)");
        int? d = NoisyDecisions.Precision(noisy, sigma);
        return (d, d is int digits ? $"; rounded to {digits} decimals learnt with DP (ledger stage '{stage}')" : $"; not rounded (ledger stage '{stage}')");
    }

    /// <summary>
    /// Whole numbers are spread uniformly over [v − ½, v + ½) before the exponential mechanism: it
    /// never lands on a tie (its interval has no length), but on a spread-out spike it does, and
    /// rounding the knot back recovers the repeated value. The spreading is per-record randomness
    /// independent of the data, so the release stays DP.
    /// </summary>
    private static double[] Spread(double[] values, bool integer, ColumnFit f) =>
        integer ? values.Select(v => v + f.Random.NextDouble() - 0.5).ToArray() : values;

    /// <summary>The prior when it covers [a, b] with mass (a widened collapsed range may reach past it), else null (length weighs).</summary>
    private static PiecewiseMeasure? Covering(PiecewiseMeasure? prior, double a, double b) =>
        prior is not null && prior.Lower <= a && prior.Upper >= b && prior.Cumulative(b) > prior.Cumulative(a) ? prior : null;

    /// <summary>The value missing cells are encoded as when the DP count dropped the missing slot (post-processing of released knots).</summary>
    private static double? Imputed(ColumnFit f, NumericFacts facts, double middle) =>
        facts.HasMissing || !f.Options.DecideMissingFlags ? null : middle;

    private static NumericEncoder FitTransform(ColumnFit f, double[] values, NumericFacts facts)
    {
        var (c, o) = (f.Column, f.Options);
        double lo = facts.Lower, hi = facts.Upper;
        string provenance = facts.Provenance;
        double[] grid;
        if (o.Numeric == NumericTransform.MinMax) grid = [lo, hi];
        else if (f.Has(PrivateStatistic.Grid))
        {
            int k = o.QuantileSegments;
            var levels = Enumerable.Range(1, k - 1).Select(i => (double)i / k).ToArray();
            string stage = $"quantile grid of column {c.Name}";
            var q = DpQuantiles.Release(values, levels, lo, hi, f.Budget!.QuantileEpsilon(PrivateStatistic.Grid, levels.Length), f.Random, f.Ledger!, stage, Covering(facts.Prior, lo, hi));
            // Sorting and clamping are post-processing: the released knots may come out of order.
            Array.Sort(q);
            grid = [lo, .. q.Select(x => Math.Clamp(x, lo, hi)), hi];
            provenance += $"; DP quantile grid (ledger stage '{stage}')";
        }
        else
        {
            // No budget for a grid: evenly spaced knots between public bounds are public too.
            int k = o.QuantileSegments;
            grid = Enumerable.Range(0, k + 1).Select(i => lo + (hi - lo) * i / k).ToArray();
            grid[^1] = hi;
            provenance += "; evenly spaced grid between them";
        }
        return new NumericEncoder(c.Name, c.Kind, c.Role, o.Numeric, grid, facts.HasMissing)
        {
            Decimals = facts.Decimals,
            ImputedValue = Imputed(f, facts, c.Kind == ColumnKind.Integer ? Math.Round(grid[grid.Length / 2]) : grid[grid.Length / 2]),
            Provenance = provenance,
        };
    }

    /// <summary>Whole numbers from 2^52 on are not all representable as doubles (x − 1 may equal x), so whole-number bins stop there.</summary>
    private const double MaxWholeBinMagnitude = 4503599627370496; // 2^52

    private static BinnedNumericEncoder FitBins(ColumnFit f, double[] values, NumericFacts facts)
    {
        var (c, o) = (f.Column, f.Options);
        double lo = facts.Lower, hi = facts.Upper;
        string provenance = facts.Provenance;
        // Beyond 2^52 an integer column is binned like a continuous one and rounded to whole numbers when decoded.
        bool huge = c.Kind == ColumnKind.Integer && Math.Max(Math.Abs(lo), Math.Abs(hi)) >= MaxWholeBinMagnitude;
        if (huge)
        {
            c = c with { Kind = ColumnKind.Continuous };
            facts = facts with { Decimals = 0 };
            provenance += "; values beyond 2^52 binned as continuous and rounded to whole numbers";
        }
        bool integer = c.Kind == ColumnKind.Integer;
        if (integer)
        {
            lo = Math.Round(lo);
            hi = Math.Max(lo, Math.Round(hi));
        }
        double[] lower, upper;
        double middle;
        // A short range of whole numbers (public, or DP bounds: post-processing) gets one bin per number;
        // a grid stage planned for it is then not run, and its share is left to training.
        if (ShortIntegerRange(c, o, lo, hi))
        {
            (lower, upper) = NumericBins.PerInteger((long)lo, (long)hi);
            middle = Math.Round((lo + hi) / 2);
            provenance += "; one bin per whole number";
        }
        else
        {
            int k = o.QuantileSegments;
            double[] knots;
            if (f.Has(PrivateStatistic.Grid))
            {
                var levels = Enumerable.Range(1, k - 1).Select(i => (double)i / k).ToArray();
                string stage = $"quantile grid of column {c.Name}";
                double pad = integer ? 0.5 : 0;
                // A huge whole-number column binned as continuous is not spread, so its prior (laid out for spread values) is not used.
                var prior = huge ? null : Covering(facts.Prior, lo - pad, hi + pad);
                var q = DpQuantiles.Release(Spread(values, integer, f), levels, lo - pad, hi + pad, f.Budget!.QuantileEpsilon(PrivateStatistic.Grid, levels.Length), f.Random, f.Ledger!, stage, prior);
                knots = [lo, .. q.Select(x => Math.Clamp(integer ? Math.Round(x) : x, lo, hi)), hi];
                provenance += $"; bins from a DP quantile grid (ledger stage '{stage}')";
            }
            else
            {
                knots = Enumerable.Range(0, k + 1).Select(i => lo + (hi - lo) * i / k).Select(x => integer ? Math.Round(x) : x).ToArray();
                knots[^1] = hi;
                provenance += "; evenly spaced bins between them";
            }
            Array.Sort(knots);
            middle = knots[knots.Length / 2];
            (lower, upper) = integer ? NumericBins.IntegerFromKnots(knots) : NumericBins.ContinuousFromKnots(knots);
        }
        return new BinnedNumericEncoder(c.Name, c.Kind, c.Role, lower, upper, facts.HasMissing)
        {
            Decimals = facts.Decimals,
            ImputedValue = Imputed(f, facts, middle),
            Provenance = provenance,
        };
    }

    private static double[] NonMissing(ReadOnlySpan<double> values)
    {
        var list = new List<double>(values.Length);
        foreach (double v in values) if (!double.IsNaN(v)) list.Add(v);
        return list.ToArray();
    }
}
