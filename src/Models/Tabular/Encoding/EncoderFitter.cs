using System.Globalization;
using DpSynth.Models.Tabular.Inference;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Fits column encoders. Each statistic an encoder needs is either declared public in the schema
/// or estimated with a DP mechanism that spends a ledger stage before it reads the data; with
/// neither, the column is refused. Private values written into the schema ("public": false) are
/// never read here. The stages' shares of the budget come from <see cref="PreprocessingBudget"/>.
/// </summary>
internal static partial class EncoderFitter
{
    /// <summary>
    /// Stands for a missing cell in a histogram that also decides a column's missing flag. A cell
    /// spelled the same would be counted with the missing ones: still one count per record.
    /// </summary>
    private const string MissingKey = "\0missing";

    public static List<ColumnEncoder> Fit(Table table, TableSchema schema, EncoderFitOptions o, PrivacyLedger? ledger)
    {
        o.Validate();
        var columns = schema.ModelledColumns.ToList();
        var plan = columns.Select(c => Plan(c, o)).ToList();
        var all = plan.SelectMany(p => p).ToList();
        var budget = all.Count == 0 ? null : PreprocessingBudget.Create(o, ledger, all);
        var random = o.Random ?? new CryptoRandomSource();

        var encoders = new List<ColumnEncoder>(columns.Count);
        for (int i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var column = table.Find(c.Name) ?? throw new TableFormatException(table.Source, 1, c.Name, $"a column \"{c.Name}\" (the schema names it), but the data has none");
            var fit = new ColumnFit(c, plan[i], o, budget, ledger, random);
            encoders.Add(c.Kind.IsNumeric() ? FitNumeric(fit, (NumericColumn)column)
                : c.Kind == ColumnKind.Boolean ? FitBoolean(fit, (CategoricalColumn)column)
                : FitCategorical(fit, (CategoricalColumn)column));
            o.Progress?.Report(i + 1);
        }
        return encoders;
    }

    /// <summary>What fitting one column needs: its schema, its planned DP stages and where to spend them.</summary>
    private sealed record ColumnFit(ColumnSchema Column, List<PrivateStatistic> Stages, EncoderFitOptions Options,
        PreprocessingBudget? Budget, PrivacyLedger? Ledger, IRandomSource Random)
    {
        public bool Has(PrivateStatistic s) => Stages.Contains(s);
        public string Name => Column.Name;
    }

    /// <summary>The DP stages a column needs, or a refusal when it needs one that cannot be paid for.</summary>
    private static List<PrivateStatistic> Plan(ColumnSchema c, EncoderFitOptions o)
    {
        var stages = new List<PrivateStatistic>();
        bool budget = o.Epsilon > 0;
        if (c.Kind.IsNumeric())
        {
            if (c.PublicBounds is null)
            {
                if (!budget) throw Refuse(o, c, "public bounds (\"bounds\" with \"public\": true), or a preprocessing budget (epsilon > 0) to estimate them with DP");
                stages.Add(PrivateStatistic.Range);
                stages.Add(PrivateStatistic.RangeEnds);
                stages.Add(PrivateStatistic.Bounds);
            }
            if (o.Numeric != NumericTransform.MinMax && budget && !ShortIntegerRange(c, o)) stages.Add(PrivateStatistic.Grid);
            if (c.Kind == ColumnKind.Continuous && c.Precision is null && o.LearnPrecision && budget) stages.Add(PrivateStatistic.Precision);
        }
        else if (c.Kind == ColumnKind.Boolean)
        {
            if (c.Labels is null && budget) stages.Add(PrivateStatistic.Labels);
        }
        else if (c.PublicCategories is null)
        {
            if (!budget) throw Refuse(o, c, "a public category list (\"categories\" with \"public\": true), or a preprocessing budget (epsilon > 0) to discover categories with DP");
            stages.Add(PrivateStatistic.Discovery);
        }
        else if (o.MergeRarePublicCategories && budget) stages.Add(PrivateStatistic.Counts);
        return stages;
    }

    private static TableFormatException Refuse(EncoderFitOptions o, ColumnSchema c, string expected) =>
        new(o.SchemaFile, 0, c.Name, expected + "; values read from the data are private");

    /// <summary>
    /// Whether the column gets a missing slot: the schema's flag, or — when the schema was inferred
    /// and a histogram with a missing class was released — whether its noisy missing count is seen.
    /// </summary>
    private static bool DecideMissing(ColumnFit f, long? noisyMissing, double sigma) =>
        f.Options.DecideMissingFlags && noisyMissing is long m ? NoisyDecisions.Seen(m, sigma) : f.Column.Missing;

    private static string MissingProvenance(ColumnFit f, bool hasMissing, string stage) =>
        f.Options.DecideMissingFlags ? $"; missing slot {(hasMissing ? "kept" : "dropped (missing cells imputed)")} by the DP missing count of stage '{stage}'" : "";

    private static OneHotEncoder FitCategorical(ColumnFit f, CategoricalColumn column)
    {
        var (c, o) = (f.Column, f.Options);
        if (c.PublicCategories is { } pc)
        {
            string? other = pc.Closed ? null : o.OtherLabel;
            if (!f.Has(PrivateStatistic.Counts))
                return new OneHotEncoder(c.Name, c.Kind, c.Role, [.. pc.Values], other, c.Missing) { Provenance = "public category list" + (pc.Closed ? "" : " (open: other values merged)") };
            string stage = $"category counts of column {c.Name}";
            double sigma = f.Budget!.HistogramSigma(PrivateStatistic.Counts);
            var counts = DpHistogram.Release(Values(column, null), pc.Values.ToArray(), sigma, null, f.Random, f.Ledger!, stage);
            long tau = DpHistogram.Threshold(sigma, f.Budget.DiscoveryDeltaEach);
            var kept = pc.Values.Where(v => counts.Counts[v] >= tau).ToArray();
            if (kept.Length < pc.Values.Count) other ??= o.OtherLabel;
            return new OneHotEncoder(c.Name, c.Kind, c.Role, kept, other, c.Missing)
            { Provenance = $"public category list; categories with DP count below {tau} merged (ledger stage '{stage}')" };
        }

        string discovery = $"categories of column {c.Name}";
        double discoverySigma = f.Budget!.HistogramSigma(PrivateStatistic.Discovery);
        string[] declared = o.DecideMissingFlags ? [MissingKey] : [];
        var result = DpHistogram.Release(Values(column, o.DecideMissingFlags ? MissingKey : null), declared, discoverySigma,
            f.Budget.DiscoveryDeltaEach, f.Random, f.Ledger!, discovery);
        bool hasMissing = DecideMissing(f, o.DecideMissingFlags ? result.Counts[MissingKey] : null, discoverySigma);
        // Audit positive control only: the exact set replaces the DP one while the ledger keeps the DP stage.
        IReadOnlyList<string> released = o.Faults.ExactCategorySets ? Values(column, null).Distinct(StringComparer.Ordinal).ToArray() : result.Discovered;
        // The order of discovered categories must not leak anything beyond the set: sort them.
        var found = c.Kind == ColumnKind.Ordinal ? OrdinalOrder(released) : released.Order(StringComparer.Ordinal).ToArray();
        return new OneHotEncoder(c.Name, c.Kind, c.Role, found, o.OtherLabel, hasMissing)
        {
            ImputedCategory = hasMissing || !o.DecideMissingFlags ? null : o.OtherLabel,
            Provenance = $"DP category discovery, threshold {result.Threshold}, others merged (ledger stage '{discovery}')"
                + MissingProvenance(f, hasMissing, discovery) + (hasMissing || !o.DecideMissingFlags ? "" : $": as {o.OtherLabel}"),
        };
    }

    /// <summary>
    /// A boolean: slots false and true, written with the declared labels, or with the spellings a
    /// thresholded DP histogram finds most often (the other value's spelling derived from it when
    /// only one is found), or as false/true without a budget.
    /// </summary>
    private static OneHotEncoder FitBoolean(ColumnFit f, CategoricalColumn column)
    {
        var c = f.Column;
        if (!f.Has(PrivateStatistic.Labels))
        {
            string[]? declared = c.Labels is { } l ? [l[0], l[1]] : null;
            return new OneHotEncoder(c.Name, c.Kind, c.Role, [.. BooleanText.Levels], null, c.Missing)
            { Labels = declared, Provenance = declared is null ? "boolean, written as false/true" : "boolean, written with the declared labels" };
        }
        string stage = $"labels of column {c.Name}";
        double sigma = f.Budget!.HistogramSigma(PrivateStatistic.Labels);
        bool decide = f.Options.DecideMissingFlags;
        var result = DpHistogram.Release(Spellings(column, decide ? MissingKey : null), decide ? [MissingKey] : [], sigma,
            f.Budget.DiscoveryDeltaEach, f.Random, f.Ledger!, stage);
        bool hasMissing = DecideMissing(f, decide ? result.Counts[MissingKey] : null, sigma);
        string? Best(int value) => result.Discovered.Where(s => BooleanText.Parse(s) == value)
            .OrderByDescending(s => result.Counts[s]).ThenBy(s => s, StringComparer.Ordinal).FirstOrDefault();
        string? no = Best(0), yes = Best(1);
        no ??= yes is null ? null : BooleanText.Partner(yes);
        yes ??= no is null ? null : BooleanText.Partner(no);
        string[] labels = no is null || yes is null ? [.. BooleanText.Levels] : [no, yes];
        // Without a missing slot a missing cell is imputed as the value whose spelling was counted more often.
        string imputed = no is not null && yes is not null && result.Counts.GetValueOrDefault(no) > result.Counts.GetValueOrDefault(yes) ? "false" : "true";
        return new OneHotEncoder(c.Name, c.Kind, c.Role, [.. BooleanText.Levels], null, hasMissing)
        {
            Labels = labels,
            ImputedCategory = hasMissing || !decide ? null : imputed,
            Provenance = $"boolean written as {labels[0]}/{labels[1]}: spellings discovered with DP, threshold {result.Threshold} (ledger stage '{stage}')"
                + MissingProvenance(f, hasMissing, stage),
        };
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

    /// <summary>One value per row; missing rows give <paramref name="missing"/>, or nothing when it is null.</summary>
    private static IEnumerable<string> Values(CategoricalColumn column, string? missing)
    {
        for (int r = 0; r < column.Length; r++)
            if ((column.ValueAt(r) ?? missing) is string v) yield return v;
    }

    /// <summary>One spelling per row of a boolean column (as written when the reader kept them, else false/true).</summary>
    private static IEnumerable<string> Spellings(CategoricalColumn column, string? missing)
    {
        if (column.Spellings is not { } counts) return Values(column, missing);
        var missingRows = missing is null ? [] : Enumerable.Repeat(missing, column.MissingCount());
        return counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => Enumerable.Repeat(kv.Key, checked((int)kv.Value))).Concat(missingRows);
    }
}
