using System.Globalization;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Fits column encoders. Each statistic an encoder needs is either declared public in the schema
/// or estimated with a DP mechanism that spends a ledger stage before it reads the data; with
/// neither, the column is refused. Private values written into the schema ("public": false) are
/// never read here.
/// </summary>
internal static class EncoderFitter
{
    private enum Stage { Bounds, Grid, Discovery, Counts }

    public static List<ColumnEncoder> Fit(Table table, TableSchema schema, EncoderFitOptions o, PrivacyLedger? ledger)
    {
        o.Validate();
        var columns = schema.ModelledColumns.ToList();
        var plan = columns.Select(c => Plan(c, o)).ToList();
        int stageCount = plan.Sum(p => p.Count);
        int discoveries = plan.Sum(p => p.Count(s => s == Stage.Discovery));
        var split = stageCount == 0 ? null : BudgetSplit.Create(o, ledger, stageCount, discoveries);
        var random = o.Random ?? new CryptoRandomSource();

        var encoders = new List<ColumnEncoder>(columns.Count);
        for (int i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var column = table.Find(c.Name) ?? throw new TableFormatException(table.Source, 1, c.Name, $"a column \"{c.Name}\" (the schema names it), but the data has none");
            encoders.Add(c.Kind.IsNumeric()
                ? FitNumeric(c, (NumericColumn)column, plan[i], o, split, ledger, random)
                : FitCategorical(c, (CategoricalColumn)column, plan[i], o, split, ledger, random));
            o.Progress?.Report(i + 1);
        }
        return encoders;
    }

    /// <summary>The DP stages a column needs, or a refusal when it needs one that cannot be paid for.</summary>
    private static List<Stage> Plan(ColumnSchema c, EncoderFitOptions o)
    {
        var stages = new List<Stage>();
        bool budget = o.Epsilon > 0;
        if (c.Kind.IsNumeric())
        {
            if (c.PublicBounds is null)
            {
                if (o.SearchRange is null || !budget)
                    throw Refuse(o, c, "public bounds (\"bounds\" with \"public\": true)" + (o.SearchRange is null
                        ? ", or a public search range and a budget to estimate them with DP"
                        : ", or a preprocessing budget (epsilon > 0) to estimate them with DP"));
                stages.Add(Stage.Bounds);
            }
            if (o.Numeric != NumericTransform.MinMax && budget && !ShortIntegerRange(c, o)) stages.Add(Stage.Grid);
        }
        else if (c.Kind is ColumnKind.Categorical or ColumnKind.Ordinal)
        {
            if (c.PublicCategories is null)
            {
                if (!budget) throw Refuse(o, c, "a public category list (\"categories\" with \"public\": true), or a preprocessing budget (epsilon > 0) to discover categories with DP");
                stages.Add(Stage.Discovery);
            }
            else if (o.MergeRarePublicCategories && budget) stages.Add(Stage.Counts);
        }
        return stages;
    }

    private static TableFormatException Refuse(EncoderFitOptions o, ColumnSchema c, string expected) =>
        new(o.SchemaFile, 0, c.Name, expected + "; values read from the data are private");

    /// <summary>An integer column whose public range has at most K whole numbers: binned one bin per number, with no DP stage.</summary>
    private static bool ShortIntegerRange(ColumnSchema c, EncoderFitOptions o) =>
        o.Numeric == NumericTransform.Bins && c.Kind == ColumnKind.Integer && c.PublicBounds is { } b
        && Math.Floor(b.Max) - Math.Ceiling(b.Min) + 1 <= o.QuantileSegments;

    private static ColumnEncoder FitNumeric(ColumnSchema c, NumericColumn column, List<Stage> stages, EncoderFitOptions o,
        BudgetSplit? split, PrivacyLedger? ledger, IRandomSource random)
    {
        double[] values = NonMissing(column.Values);
        string provenance;
        double lo, hi;
        if (c.PublicBounds is { } pb) { lo = pb.Min; hi = pb.Max; provenance = "public bounds"; }
        else
        {
            var (sMin, sMax) = o.SearchRange!.Value;
            string stage = $"bounds of column {c.Name}";
            var b = DpQuantiles.Release(values, [o.BoundsLevel, 1 - o.BoundsLevel], sMin, sMax, split!.QuantileEpsilon(2), random, ledger!, stage);
            lo = Math.Min(b[0], b[1]);
            hi = Math.Max(b[0], b[1]);
            // Post-processing of the DP output: a collapsed range is widened so that the grid is valid.
            if (!(hi > lo)) hi = lo + Math.Max(1, Math.Abs(lo) * 1e-6);
            provenance = $"DP bounds (ledger stage '{stage}')";
        }

        if (o.Numeric == NumericTransform.Bins) return FitBins(c, values, lo, hi, provenance, stages, o, split, ledger, random);

        double[] grid;
        if (o.Numeric == NumericTransform.MinMax) grid = [lo, hi];
        else if (stages.Contains(Stage.Grid))
        {
            int k = o.QuantileSegments;
            var levels = Enumerable.Range(1, k - 1).Select(i => (double)i / k).ToArray();
            string stage = $"quantile grid of column {c.Name}";
            var q = DpQuantiles.Release(values, levels, lo, hi, split!.QuantileEpsilon(levels.Length), random, ledger!, stage);
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
        return new NumericEncoder(c.Name, c.Kind, c.Role, o.Numeric, grid, c.Missing) { Provenance = provenance };
    }

    private static BinnedNumericEncoder FitBins(ColumnSchema c, double[] values, double lo, double hi, string provenance, List<Stage> stages,
        EncoderFitOptions o, BudgetSplit? split, PrivacyLedger? ledger, IRandomSource random)
    {
        bool integer = c.Kind == ColumnKind.Integer;
        if (integer)
        {
            lo = Math.Round(lo);
            hi = Math.Max(lo, Math.Round(hi));
        }
        double[] lower, upper;
        if (ShortIntegerRange(c, o))
        {
            (lower, upper) = NumericBins.PerInteger((long)lo, (long)hi);
            provenance += "; one bin per whole number";
        }
        else
        {
            int k = o.QuantileSegments;
            double[] knots;
            if (stages.Contains(Stage.Grid))
            {
                var levels = Enumerable.Range(1, k - 1).Select(i => (double)i / k).ToArray();
                string stage = $"quantile grid of column {c.Name}";
                double pad = integer ? 0.5 : 0;
                // Whole numbers are spread uniformly over [v − ½, v + ½) before the mechanism: the
                // exponential mechanism never lands on a tie (its interval has no length), but on a
                // spread-out spike it does, and rounding the knot back recovers the repeated value.
                // The spreading is per-record randomness independent of the data, so the release stays DP.
                var input = integer ? values.Select(v => v + random.NextDouble() - 0.5).ToArray() : values;
                var q = DpQuantiles.Release(input, levels, lo - pad, hi + pad, split!.QuantileEpsilon(levels.Length), random, ledger!, stage);
                knots = [lo, .. q.Select(x => Math.Clamp(integer ? Math.Round(x) : x, lo, hi)), hi];
                provenance += $"; bins from a DP quantile grid (ledger stage '{stage}')";
            }
            else
            {
                knots = Enumerable.Range(0, k + 1).Select(i => lo + (hi - lo) * i / k).Select(x => integer ? Math.Round(x) : x).ToArray();
                knots[^1] = hi;
                provenance += "; evenly spaced bins between them";
            }
            (lower, upper) = integer ? NumericBins.IntegerFromKnots(knots) : NumericBins.ContinuousFromKnots(knots);
        }
        return new BinnedNumericEncoder(c.Name, c.Kind, c.Role, lower, upper, c.Missing) { Provenance = provenance };
    }

    private static OneHotEncoder FitCategorical(ColumnSchema c, CategoricalColumn column, List<Stage> stages, EncoderFitOptions o,
        BudgetSplit? split, PrivacyLedger? ledger, IRandomSource random)
    {
        if (c.Kind == ColumnKind.Boolean)
            return new OneHotEncoder(c.Name, c.Kind, c.Role, [.. BooleanText.Levels], null, c.Missing) { Provenance = "boolean: categories fixed" };

        if (c.PublicCategories is { } pc)
        {
            string? other = pc.Closed ? null : o.OtherLabel;
            if (!stages.Contains(Stage.Counts))
                return new OneHotEncoder(c.Name, c.Kind, c.Role, [.. pc.Values], other, c.Missing) { Provenance = "public category list" + (pc.Closed ? "" : " (open: other values merged)") };
            string stage = $"category counts of column {c.Name}";
            double sigma = split!.HistogramSigma;
            var counts = DpHistogram.Release(Values(column), pc.Values.ToArray(), sigma, null, random, ledger!, stage);
            long tau = DpHistogram.Threshold(sigma, split.DiscoveryDeltaEach);
            var kept = pc.Values.Where(v => counts.Counts[v] >= tau).ToArray();
            if (kept.Length < pc.Values.Count) other ??= o.OtherLabel;
            return new OneHotEncoder(c.Name, c.Kind, c.Role, kept, other, c.Missing)
            { Provenance = $"public category list; categories with DP count below {tau} merged (ledger stage '{stage}')" };
        }

        string discovery = $"categories of column {c.Name}";
        var result = DpHistogram.Release(Values(column), [], split!.HistogramSigma, split.DiscoveryDeltaEach, random, ledger!, discovery);
        // The order of discovered categories must not leak anything beyond the set: sort them.
        var found = c.Kind == ColumnKind.Ordinal ? OrdinalOrder(result.Discovered) : result.Discovered.Order(StringComparer.Ordinal).ToArray();
        return new OneHotEncoder(c.Name, c.Kind, c.Role, found, o.OtherLabel, c.Missing)
        { Provenance = $"DP category discovery, threshold {result.Threshold}, others merged (ledger stage '{discovery}')" };
    }

    /// <summary>Discovered ordinal categories in numeric order when they are all numbers, else in ordinal text order.</summary>
    private static string[] OrdinalOrder(IReadOnlyList<string> values)
    {
        var numbers = new double[values.Count];
        bool numeric = true;
        for (int i = 0; i < values.Count && numeric; i++)
            numeric = double.TryParse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]);
        return numeric
            ? values.Zip(numbers).OrderBy(p => p.Second).Select(p => p.First).ToArray()
            : values.Order(StringComparer.Ordinal).ToArray();
    }

    private static double[] NonMissing(ReadOnlySpan<double> values)
    {
        var list = new List<double>(values.Length);
        foreach (double v in values) if (!double.IsNaN(v)) list.Add(v);
        return list.ToArray();
    }

    private static IEnumerable<string> Values(CategoricalColumn column)
    {
        for (int r = 0; r < column.Length; r++)
            if (column.ValueAt(r) is string v) yield return v;
    }
}
