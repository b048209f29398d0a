using DpSynth.Models.Tabular;

namespace DpSynth.Models.Audit.Generators;

/// <summary>
/// The worst-case table of a black-box generator audit: five records and, on one side of the pair, a
/// target record that shares none of their values, so whatever the target leaves in the synthetic
/// output stands out. Columns: three categorical (four public categories each) and one integer with
/// public bounds 0–9 — the whole domain is declared in the schema, so a sound fit learns nothing from
/// the data but through its ledger. <see cref="Schema"/> can instead leave column "a"'s category set
/// private, to be discovered with DP (the categories-without-DP control breaks exactly that).
/// </summary>
internal static class AuditTable
{
    /// <summary>The target's values: a0, b0, c0 and 0.</summary>
    public static readonly (string A, string B, string C, double N) Target = ("a0", "b0", "c0", 0);

    private static readonly (string A, string B, string C, double N)[] Others =
    [
        ("a1", "b2", "c3", 5), ("a2", "b3", "c1", 7), ("a3", "b1", "c2", 9), ("a1", "b1", "c1", 6), ("a2", "b2", "c3", 8),
    ];

    /// <summary>The schema; <paramref name="privateCategoriesOfA"/> leaves column a's category set undeclared.</summary>
    public static TableSchema Schema(bool privateCategoriesOfA) => new(
    [
        new ColumnSchema("a", ColumnKind.Categorical, Categories: privateCategoriesOfA ? null : Public("a")),
        new ColumnSchema("b", ColumnKind.Categorical, Categories: Public("b")),
        new ColumnSchema("c", ColumnKind.Categorical, Categories: Public("c")),
        new ColumnSchema("n", ColumnKind.Integer, Bounds: new DeclaredBounds(0, 9, true)),
    ]);

    /// <summary>The five records, plus the target when <paramref name="withTarget"/>.</summary>
    public static Table Create(bool withTarget)
    {
        var rows = withTarget ? [Target, .. Others] : Others;
        return new Table(withTarget ? "audit table with target" : "audit table without target",
        [
            Categorical("a", rows.Select(r => r.A)),
            Categorical("b", rows.Select(r => r.B)),
            Categorical("c", rows.Select(r => r.C)),
            new NumericColumn("n", ColumnKind.Integer, rows.Select(r => r.N).ToArray(), rows.Length),
        ]);
    }

    /// <summary>
    /// The membership statistic: the share of the synthetic table's cells that equal the target's value
    /// in their column (integers within ½). Fixed before any fit, like the test's direction (higher = in).
    /// </summary>
    public static double Score(Table synthetic)
    {
        int rows = synthetic.RowCount;
        if (rows == 0) return 0;
        long hits = Matches(synthetic, "a", Target.A) + Matches(synthetic, "b", Target.B) + Matches(synthetic, "c", Target.C);
        if (synthetic.Find("n") is NumericColumn n)
            foreach (double v in n.Values) if (Math.Abs(v - Target.N) < 0.5) hits++;
        return hits / (4.0 * rows);
    }

    private static long Matches(Table table, string column, string value)
    {
        if (table.Find(column) is not CategoricalColumn c) return 0;
        long hits = 0;
        for (int r = 0; r < c.Length; r++) if (c.ValueAt(r) == value) hits++;
        return hits;
    }

    private static DeclaredCategories Public(string column) => new(Enumerable.Range(0, 4).Select(i => column + i).ToArray(), true);

    private static CategoricalColumn Categorical(string name, IEnumerable<string> values)
    {
        var list = values.ToArray();
        var levels = list.Distinct().Order(StringComparer.Ordinal).ToArray();
        return new CategoricalColumn(name, ColumnKind.Categorical, list.Select(v => Array.IndexOf(levels, v)).ToArray(), list.Length, levels);
    }
}
