using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins;

/// <summary>
/// One covariate of a <see cref="DesignLayout"/>: a numeric column used as-is (one coefficient),
/// or a categorical column coded as treatment dummies (one coefficient per non-reference level).
/// </summary>
/// <param name="Column">Column name.</param>
/// <param name="IsCategorical">Whether the column is coded as dummies.</param>
/// <param name="Levels">The levels in coefficient order, the reference first; empty for a numeric column.</param>
/// <param name="Reference">The reference level (no coefficient of its own); null for a numeric column, and for the first factor of a model without intercept (one column per level).</param>
/// <param name="FirstCoefficient">Index of the term's first coefficient.</param>
/// <param name="CoefficientCount">Number of coefficients of the term.</param>
public sealed record DesignTerm(string Column, bool IsCategorical, IReadOnlyList<string> Levels, string? Reference, int FirstCoefficient, int CoefficientCount);

/// <summary>
/// The fixed coding of a formula into design-matrix columns: which columns are dummies, their
/// levels and reference levels, and the coefficient names. It is built once (from the local data,
/// or local plus twins) and then applied to every dataset of an analysis, so that the fits of all
/// combined datasets — and the test set — share one coefficient layout and can be pooled.
/// </summary>
public sealed class DesignLayout
{
    /// <summary>Name of the intercept coefficient.</summary>
    public const string InterceptName = "(Intercept)";

    private DesignLayout(Formula formula, IReadOnlyList<DesignTerm> terms, IReadOnlyList<string> names, DesignOptions options)
    {
        Formula = formula;
        Terms = terms;
        CoefficientNames = names;
        Options = options;
    }

    /// <summary>The formula this layout codes.</summary>
    public Formula Formula { get; }

    /// <summary>The covariates in formula order.</summary>
    public IReadOnlyList<DesignTerm> Terms { get; }

    /// <summary>Coefficient names: "(Intercept)", a numeric column's name, or "column[level]" for a dummy.</summary>
    public IReadOnlyList<string> CoefficientNames { get; }

    /// <summary>Number of coefficients (design-matrix columns).</summary>
    public int Width => CoefficientNames.Count;

    /// <summary>The options the layout was built with (missing-row policy).</summary>
    public DesignOptions Options { get; }

    /// <summary>
    /// Builds the layout of <paramref name="formula"/> over <paramref name="tables"/>. The first
    /// table (the local data) decides each column's kind and, unless declared in
    /// <paramref name="options"/>, its levels and default reference; every other table must have
    /// the same columns with the same kinds and only known levels. Levels that no table uses are
    /// left out, so that a declared category list does not create all-zero dummies.
    /// </summary>
    /// <exception cref="TableFormatException">A column is absent, of another kind, or has an unknown level (one-line message naming file and column).</exception>
    public static DesignLayout Create(Formula formula, IReadOnlyList<Table> tables, DesignOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        if (tables.Count == 0) throw new ArgumentException("At least one table is needed to build a design layout.", nameof(tables));
        options ??= new DesignOptions();
        foreach (var name in options.References.Keys)
            if (!formula.Terms.Contains(name))
                throw new FormulaException($"formula \"{formula}\": a reference level is set for \"{name}\", which is not a covariate of the formula");

        var first = tables[0];
        var terms = new List<DesignTerm>();
        var names = new List<string>();
        if (formula.HasIntercept) names.Add(InterceptName);
        foreach (var column in formula.Terms)
        {
            var col0 = Require(first, column, formula);
            if (col0 is NumericColumn)
            {
                foreach (var t in tables) RequireKind(t, column, formula, numeric: true, first);
                terms.Add(new DesignTerm(column, false, [], null, names.Count, 1));
                names.Add(column);
                continue;
            }
            var cat0 = (CategoricalColumn)col0;
            bool declared = options.Categories.TryGetValue(column, out var declaredLevels);
            // Undeclared levels are sorted so that the coefficient order does not depend on the
            // order in which records happen to appear.
            var all = declared ? declaredLevels! : cat0.Levels.Order(StringComparer.Ordinal).ToArray();
            string origin = declared ? "the declared category list" : $"the levels of {first.Source}";
            var counts = new long[all.Count];
            long[]? firstCounts = null;
            foreach (var t in tables)
            {
                var cat = (CategoricalColumn)RequireKind(t, column, formula, numeric: false, first);
                var map = LevelMap(cat, all, t.Source, origin);
                var tableCounts = new long[all.Count];
                foreach (int code in cat.Codes) if (code >= 0) tableCounts[map[code]]++;
                for (int i = 0; i < counts.Length; i++) counts[i] += tableCounts[i];
                firstCounts ??= tableCounts;
            }
            // Without an intercept the first factor takes its place: one column per level.
            bool fullCoding = !formula.HasIntercept && !terms.Any(t => t.IsCategorical);
            string? reference = fullCoding ? null : ChooseReference(column, all, counts, firstCounts!, declared, options, first.Source);
            var kept = new List<string>();
            if (reference is not null) kept.Add(reference);
            for (int i = 0; i < all.Count; i++)
                if (counts[i] > 0 && all[i] != reference) kept.Add(all[i]);
            if (kept.Count == 0) throw new TableFormatException(first.Source, 0, column, "at least one non-missing value");
            int skip = reference is null ? 0 : 1;
            terms.Add(new DesignTerm(column, true, kept, reference, names.Count, kept.Count - skip));
            for (int i = skip; i < kept.Count; i++) names.Add($"{column}[{kept[i]}]");
        }
        if (formula.Offset is { } off) foreach (var t in tables) RequireKind(t, off, formula, numeric: true, first);
        foreach (var t in tables) Require(t, formula.Outcome, formula);
        return new DesignLayout(formula, terms, names, options);
    }

    /// <summary>Codes the rows of <paramref name="tables"/>, stacked in order, into one design matrix.</summary>
    /// <exception cref="TableFormatException">A table lacks a column, has another kind or an unknown level, a missing value, or a non-numeric outcome.</exception>
    public DesignMatrix Build(params IReadOnlyList<Table> tables) => DesignMatrix.Create(this, tables);

    /// <summary>Maps each level index of <paramref name="column"/> to its index in <paramref name="levels"/>, refusing a used level that is not there.</summary>
    internal static int[] LevelMap(CategoricalColumn column, IReadOnlyList<string> levels, string source, string origin)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < levels.Count; i++) index.TryAdd(levels[i], i);
        var map = new int[column.Levels.Count];
        bool[]? used = null;
        for (int i = 0; i < map.Length; i++)
        {
            if (index.TryGetValue(column.Levels[i], out int j)) { map[i] = j; continue; }
            // A level only in the dictionary (e.g. from a declared list) but on no row is harmless.
            if (used is null)
            {
                used = new bool[map.Length];
                foreach (int code in column.Codes) if (code >= 0) used[code] = true;
            }
            if (used[i])
                throw new TableFormatException(source, 0, column.Name,
                    $"levels among {origin} ({levels.Count} levels); a twin must have the schema of the local data (declare the category list to combine datasets with different levels)",
                    $"{PrivateValues.Quote(column.Levels[i])} (the levels: {Shorten(levels)})");
            map[i] = -1;
        }
        return map;
    }

    internal static TableColumn Require(Table table, string column, Formula formula) =>
        table.Find(column) ?? throw new TableFormatException(table.Source, 0, column,
            $"a column \"{column}\" (named in formula \"{formula}\"), but the table has no such column");

    private static TableColumn RequireKind(Table table, string column, Formula formula, bool numeric, Table first)
    {
        var c = Require(table, column, formula);
        if ((c is NumericColumn) != numeric)
        {
            string want = numeric ? "numeric" : "categorical";
            string got = numeric ? "categorical" : "numeric";
            string why = ReferenceEquals(table, first) ? "" : $" as in {first.Source}";
            throw new TableFormatException(table.Source, 0, column, $"a {want} column{why}, got a {got} one");
        }
        return c;
    }

    private static string ChooseReference(string column, IReadOnlyList<string> all, long[] counts, long[] firstCounts,
        bool declared, DesignOptions options, string firstSource)
    {
        if (options.References.TryGetValue(column, out var chosen))
        {
            int i = IndexOf(all, chosen);
            // Levels read from the data are private; declared ones may be listed.
            if (i < 0)
                throw declared
                    ? new FormulaException($"column \"{column}\": the reference level \"{chosen}\" is not one of its declared levels ({Shorten(all)})")
                    : PrivateValues.Attach(new FormulaException($"column \"{column}\": the reference level \"{chosen}\" is not one of the {all.Count} levels in the data"), $"the levels: {Shorten(all)}");
            if (counts[i] == 0) throw new FormulaException($"column \"{column}\": the reference level \"{chosen}\" occurs in no row of the data");
            return chosen;
        }
        if (declared)
        {
            for (int i = 0; i < all.Count; i++) if (counts[i] > 0) return all[i];
        }
        else
        {
            int best = -1;
            for (int i = 0; i < all.Count; i++)
                if (counts[i] > 0 && (best < 0 || firstCounts[i] > firstCounts[best])) best = i;
            if (best >= 0) return all[best];
        }
        throw new TableFormatException(firstSource, 0, column, "at least one non-missing value");
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }

    private static string Shorten(IReadOnlyList<string> levels) =>
        levels.Count <= 8 ? string.Join(", ", levels) : string.Join(", ", levels.Take(8)) + $", … {levels.Count} in all";
}
