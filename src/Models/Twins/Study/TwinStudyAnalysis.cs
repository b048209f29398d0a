using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins.Study;

/// <summary>The analysis side: the fits, pooling and metrics of one local-only or joined analysis. Immutable, so safe to share across threads.</summary>
internal sealed class TwinStudyAnalysis
{
    /// <summary>The standard normal quantile of a two-sided 95% interval.</summary>
    private const double Z95 = 1.959963984540054;

    private readonly Formula _formula;
    private readonly GlmFamily _family;
    private readonly DesignOptions _design;
    private readonly GlmFitOptions _fit;
    private readonly DesignMatrix _test;
    private readonly string[] _testNames;
    private readonly string[] _categorical;

    public TwinStudyAnalysis(Formula formula, GlmFamily family, TableSchema schema, ClinicOutcomeModel truth, Table test, GlmFitOptions fit, Table all)
    {
        _formula = formula;
        _family = family;
        _fit = fit;
        // The true reference levels, so that estimates and truth mean the same contrasts; the
        // public category lists fix the level order and let datasets missing levels combine.
        _design = new DesignOptions { DropIncompleteRows = true }.WithPublicCategories(schema);
        foreach (var (column, level) in truth.ReferenceLevels) _design.References[column] = level;
        Truth = truth.Coefficients.ToDictionary(kv => kv.Key == "intercept" ? DesignLayout.InterceptName : kv.Key, kv => kv.Value);
        // The test set is coded once, over every level the simulation produced.
        var fullLayout = DesignLayout.Create(formula, [all], _design);
        _test = fullLayout.Build(test);
        _testNames = fullLayout.CoefficientNames.ToArray();
        _categorical = fullLayout.Terms.Where(t => t.IsCategorical).Select(t => t.Column).ToArray();
    }

    public IReadOnlyDictionary<string, double> Truth { get; }

    public StudyMetrics LocalOnly(Table local)
    {
        var excluded = Degenerate([[local]]);
        var data = Exclude(local, excluded, out int dropped);
        var levels = Names(excluded);
        GlmFit fit;
        try
        {
            var layout = DesignLayout.Create(_formula, [data], _design);
            fit = GlmFitter.Fit(layout.Build(data), _family, _fit);
        }
        catch (Exception e) when (e is GlmFitException or FormulaException or TableFormatException)
        {
            return StudyMetrics.Failed(e.Message, 1, dropped, levels);
        }
        var se = fit.StandardErrors(CovarianceKind.Robust);
        var beta = fit.Coefficients.ToArray();
        var lower = beta.Select((b, j) => b - Z95 * se[j]).ToArray();
        var upper = beta.Select((b, j) => b + Z95 * se[j]).ToArray();
        return Metrics(fit.Names, beta, lower, upper, 0, dropped, levels, null);
    }

    public StudyMetrics Joined(Table local, IReadOnlyList<Table>[] twinsByParty)
    {
        int copies = twinsByParty[0].Count;
        var combined = new Table[copies][];
        for (int m = 0; m < copies; m++)
        {
            combined[m] = new Table[1 + twinsByParty.Length];
            combined[m][0] = local;
            for (int p = 0; p < twinsByParty.Length; p++) combined[m][p + 1] = twinsByParty[p][m];
        }
        // A level in some but not all of the M combined datasets would make the fits of the
        // others singular: keep only levels every combined dataset has (local levels always are).
        var excluded = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var column in _categorical)
        {
            HashSet<string>? common = null, union = new(StringComparer.Ordinal);
            foreach (var tables in combined)
            {
                var present = new HashSet<string>(StringComparer.Ordinal);
                foreach (var t in tables) present.UnionWith(TableRows.PresentLevels(t, column));
                union.UnionWith(present);
                if (common is null) common = present;
                else common.IntersectWith(present);
            }
            union.ExceptWith(common!);
            if (union.Count > 0) excluded[column] = union;
        }
        int dropped = Apply(combined, excluded);
        // Then leave out levels whose coefficient is infinite in some combined dataset, from all of them.
        var degenerate = Degenerate(combined);
        dropped += Apply(combined, degenerate);
        foreach (var (column, levels) in degenerate)
        {
            if (excluded.TryGetValue(column, out var set)) set.UnionWith(levels);
            else excluded[column] = levels;
        }
        var excludedNames = Names(excluded);

        DesignLayout layout;
        try
        {
            layout = DesignLayout.Create(_formula, combined.SelectMany(t => t).Distinct().ToArray(), _design);
        }
        catch (Exception e) when (e is FormulaException or TableFormatException)
        {
            return StudyMetrics.Failed(e.Message, copies, dropped, excludedNames);
        }
        var fits = new List<GlmFit>(copies);
        string? firstError = null;
        for (int m = 0; m < copies; m++)
        {
            try { fits.Add(GlmFitter.Fit(layout.Build(combined[m]), _family, _fit)); }
            catch (Exception e) when (e is GlmFitException or TableFormatException)
            {
                firstError ??= $"copy {m + 1}: {e.Message}";
            }
        }
        int failed = copies - fits.Count;
        // Pool what could be fitted, as long as Rubin's rules have at least two datasets.
        if (fits.Count < 2) return StudyMetrics.Failed(firstError ?? "fewer than 2 fits", failed, dropped, excludedNames);
        var pooled = RubinPooling.Pool(fits, CovarianceKind.Robust);
        var c = pooled.Coefficients;
        return Metrics(layout.CoefficientNames, c.Select(x => x.Estimate).ToArray(), c.Select(x => x.Lower95).ToArray(),
            c.Select(x => x.Upper95).ToArray(), failed, dropped, excludedNames, firstError);
    }

    /// <summary>Removes the rows of excluded levels from every table of every combined dataset; returns the rows removed.</summary>
    private static int Apply(Table[][] combined, Dictionary<string, HashSet<string>> excluded)
    {
        if (excluded.Count == 0) return 0;
        int dropped = 0;
        // The same table object (the local data) recurs in every combined dataset: filter it once.
        var done = new Dictionary<Table, Table>(ReferenceEqualityComparer.Instance);
        foreach (var tables in combined)
            for (int i = 0; i < tables.Length; i++)
            {
                if (!done.TryGetValue(tables[i], out var filtered))
                {
                    filtered = Exclude(tables[i], excluded, out int removed);
                    done[tables[i]] = filtered;
                }
                dropped += tables[i].RowCount - filtered.RowCount;
                tables[i] = filtered;
            }
        return dropped;
    }

    /// <summary>
    /// Non-reference levels whose records, in some combined dataset, all have outcome 0 (or, for
    /// logistic regression, all 1): their maximum-likelihood coefficient is at infinity, so the
    /// fit would fail; leaving their rows out makes the coefficient inestimable instead.
    /// </summary>
    private Dictionary<string, HashSet<string>> Degenerate(IEnumerable<Table[]> combined)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tables in combined)
            foreach (var column in _categorical)
            {
                var stats = new Dictionary<string, (int Count, int Zeros, int Ones)>(StringComparer.Ordinal);
                foreach (var t in tables)
                {
                    if (t.Find(column) is not CategoricalColumn cat) continue;
                    var y = Outcomes(t);
                    var codes = cat.Codes;
                    for (int i = 0; i < codes.Length; i++)
                    {
                        if (codes[i] < 0 || double.IsNaN(y[i])) continue;
                        string level = cat.Levels[codes[i]];
                        var s = stats.GetValueOrDefault(level);
                        stats[level] = (s.Count + 1, s.Zeros + (y[i] == 0 ? 1 : 0), s.Ones + (y[i] == 1 ? 1 : 0));
                    }
                }
                _design.References.TryGetValue(column, out var reference);
                foreach (var (level, s) in stats)
                {
                    if (level == reference) continue;
                    bool degenerate = s.Zeros == s.Count || (_family == GlmFamily.Logistic && s.Ones == s.Count);
                    if (!degenerate) continue;
                    if (!result.TryGetValue(column, out var set)) result[column] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(level);
                }
            }
        return result;
    }

    /// <summary>The outcome of each row as a number: a numeric column as-is, a boolean one as 0/1; NaN when missing or unreadable.</summary>
    private double[] Outcomes(Table table)
    {
        var column = table.Find(_formula.Outcome);
        if (column is NumericColumn num) return num.Values.ToArray();
        var y = new double[table.RowCount];
        if (column is not CategoricalColumn cat) { Array.Fill(y, double.NaN); return y; }
        var value = cat.Levels.Select(l => BooleanText.Parse(l) is var b and >= 0 ? b
            : double.TryParse(l, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();
        var codes = cat.Codes;
        for (int i = 0; i < y.Length; i++) y[i] = codes[i] < 0 ? double.NaN : value[codes[i]];
        return y;
    }

    private static IReadOnlyList<string> Names(Dictionary<string, HashSet<string>> levels) =>
        levels.SelectMany(kv => kv.Value.Order(StringComparer.Ordinal).Select(l => $"{kv.Key}[{l}]")).Order(StringComparer.Ordinal).ToArray();

    private static Table Exclude(Table table, Dictionary<string, HashSet<string>> excluded, out int removed)
    {
        var checks = new List<(CategoricalColumn Column, bool[] Excluded)>();
        foreach (var (column, levels) in excluded)
        {
            if (table.Find(column) is not CategoricalColumn cat) continue;
            var flags = cat.Levels.Select(levels.Contains).ToArray();
            if (flags.Any(f => f)) checks.Add((cat, flags));
        }
        removed = 0;
        if (checks.Count == 0) return table;
        var rows = new List<int>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            bool keep = true;
            foreach (var (cat, flags) in checks)
            {
                int code = cat.Codes[i];
                if (code >= 0 && flags[code]) { keep = false; break; }
            }
            if (keep) rows.Add(i);
        }
        removed = table.RowCount - rows.Count;
        return removed == 0 ? table : TableRows.Select(table, rows, table.Source);
    }

    /// <summary>Test log-likelihood, RMSE and coverage of estimates named by a layout.</summary>
    private StudyMetrics Metrics(IReadOnlyList<string> names, double[] estimate, double[] lower, double[] upper, int failed, int dropped,
        IReadOnlyList<string> excluded, string? error)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++) byName[names[j]] = j;
        // Coefficients the data could not estimate act as 0: the level is predicted like the reference.
        var full = _testNames.Select(n => byName.TryGetValue(n, out int j) ? estimate[j] : 0).ToArray();
        double ll = GlmLogLikelihood.MeanPerRecord(_family, full, _test);
        double sq = 0;
        int covered = 0, estimable = 0;
        foreach (var (name, value) in Truth)
        {
            if (byName.TryGetValue(name, out int j))
            {
                sq += (estimate[j] - value) * (estimate[j] - value);
                estimable++;
                if (lower[j] <= value && value <= upper[j]) covered++;
            }
            else sq += value * value;
        }
        return new StudyMetrics(ll, Math.Sqrt(sq / Truth.Count), covered, estimable, failed, dropped, excluded, error);
    }
}
