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
    /// Names of the membership statistics, in the order <see cref="Scores"/> returns them: the share of
    /// the synthetic rows equal to the target in each column (integers within ½), the mean of those four,
    /// and the share of rows equal to the target in every column. Each is read "higher = in"; which one
    /// to use, and its threshold, is decided on the first half of the runs only.
    /// </summary>
    public static IReadOnlyList<string> Statistics { get; } = ["share a = a0", "share b = b0", "share c = c0", "share n = 0", "mean share", "share of whole target rows"];

    /// <summary>The membership statistics of one synthetic table (see <see cref="Statistics"/>).</summary>
    public static double[] Scores(Table synthetic)
    {
        int rows = synthetic.RowCount;
        var result = new double[Statistics.Count];
        if (rows == 0) return result;
        var hits = new bool[4][];
        hits[0] = Matches(synthetic, "a", Target.A);
        hits[1] = Matches(synthetic, "b", Target.B);
        hits[2] = Matches(synthetic, "c", Target.C);
        hits[3] = new bool[rows];
        if (synthetic.Find("n") is NumericColumn n)
            for (int r = 0; r < rows; r++) hits[3][r] = Math.Abs(n.Values[r] - Target.N) < 0.5;
        int whole = 0;
        for (int r = 0; r < rows; r++) if (hits[0][r] && hits[1][r] && hits[2][r] && hits[3][r]) whole++;
        for (int c = 0; c < 4; c++) result[c] = (double)hits[c].Count(h => h) / rows;
        result[4] = (result[0] + result[1] + result[2] + result[3]) / 4;
        result[5] = (double)whole / rows;
        return result;
    }

    private static bool[] Matches(Table table, string column, string value)
    {
        var hits = new bool[table.RowCount];
        if (table.Find(column) is CategoricalColumn c)
            for (int r = 0; r < c.Length; r++) hits[r] = c.ValueAt(r) == value;
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
