using DpSynth.Models.Tabular;

namespace DpSynth.Models.Evaluation;

/// <summary>
/// The real, synthetic and test tables matched column by column. Each file dictionary-encodes its
/// labels in its own order of appearance, so categorical codes are re-mapped onto one level list
/// (the real table's levels first) before anything is compared.
/// </summary>
internal sealed class AlignedTables
{
    public const int Real = 0, Synthetic = 1, Test = 2;

    public AlignedTables(Table real, Table synthetic, Table test)
    {
        Tables = [real, synthetic, test];
        var columns = new List<AlignedColumn>();
        foreach (var rc in real.Columns)
        {
            var sc = synthetic.Find(rc.Name) ?? throw new EvaluationInputException($"{synthetic.Source}: no column \"{rc.Name}\" (the real table {real.Source} has one)");
            var tc = test.Find(rc.Name) ?? throw new EvaluationInputException($"{test.Source}: no column \"{rc.Name}\" (the real table {real.Source} has one)");
            columns.Add(Align(rc, sc, tc, [real, synthetic, test]));
        }
        Columns = columns;
    }

    public Table[] Tables { get; }

    public IReadOnlyList<AlignedColumn> Columns { get; }

    public int Rows(int table) => Tables[table].RowCount;

    private static AlignedColumn Align(TableColumn real, TableColumn synthetic, TableColumn test, Table[] tables)
    {
        TableColumn[] cols = [real, synthetic, test];
        for (int t = 1; t < 3; t++)
            if (cols[t].Kind.IsNumeric() != real.Kind.IsNumeric())
                throw new EvaluationInputException($"{tables[t].Source}: column \"{real.Name}\" is {(cols[t].Kind.IsNumeric() ? "numeric" : "categorical")} but {(real.Kind.IsNumeric() ? "numeric" : "categorical")} in the real table");
        if (real is NumericColumn)
            return new AlignedColumn(real.Name, cols.Select(c => ((NumericColumn)c).Values.ToArray()).ToArray(), null, []);

        var levels = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[3][];
        for (int t = 0; t < 3; t++)
        {
            var c = (CategoricalColumn)cols[t];
            var map = new int[c.Levels.Count];
            for (int l = 0; l < map.Length; l++)
            {
                if (!index.TryGetValue(c.Levels[l], out int u)) { u = levels.Count; index.Add(c.Levels[l], u); levels.Add(c.Levels[l]); }
                map[l] = u;
            }
            var src = c.Codes;
            var dst = codes[t] = new int[src.Length];
            for (int r = 0; r < src.Length; r++) dst[r] = src[r] < 0 ? -1 : map[src[r]];
        }
        return new AlignedColumn(real.Name, null, codes, levels);
    }
}

/// <summary>One column across the three tables: numbers (NaN = missing) or codes into <see cref="Levels"/> (−1 = missing).</summary>
internal sealed record AlignedColumn(string Name, double[][]? Numbers, int[][]? Codes, IReadOnlyList<string> Levels)
{
    public bool IsNumeric => Numbers is not null;
}

/// <summary>
/// A column turned into small integer codes for marginals: numeric values binned at real-data
/// quantiles, categories kept. Missing values get their own code (the last one).
/// </summary>
internal sealed class DiscreteColumn
{
    public DiscreteColumn(AlignedColumn column, int bins)
    {
        Name = column.Name;
        IsNumeric = column.IsNumeric;
        Codes = new int[3][];
        if (column.Numbers is { } numbers)
        {
            double[] edges = QuantileEdges(numbers[AlignedTables.Real], bins);
            Categories = edges.Length + 2;
            for (int t = 0; t < 3; t++)
            {
                var v = numbers[t];
                var c = Codes[t] = new int[v.Length];
                for (int r = 0; r < v.Length; r++) c[r] = double.IsNaN(v[r]) ? Categories - 1 : UpperBound(edges, v[r]);
            }
        }
        else
        {
            Categories = column.Levels.Count + 1;
            for (int t = 0; t < 3; t++)
            {
                var src = column.Codes![t];
                var c = Codes[t] = new int[src.Length];
                for (int r = 0; r < src.Length; r++) c[r] = src[r] < 0 ? Categories - 1 : src[r];
            }
        }
    }

    public string Name { get; }
    public bool IsNumeric { get; }
    /// <summary>Number of codes including the missing code.</summary>
    public int Categories { get; }
    public int MissingCode => Categories - 1;
    public int[][] Codes { get; }

    /// <summary>
    /// Interior bin edges at the real data's i/bins quantiles, duplicates removed: a column with a
    /// spike (e.g. mostly zeros) gets fewer, not empty, bins.
    /// </summary>
    internal static double[] QuantileEdges(double[] values, int bins)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0) return [];
        var edges = new List<double>();
        for (int i = 1; i < bins; i++)
        {
            double e = sorted[(int)Math.Min(sorted.Length - 1, (long)i * sorted.Length / bins)];
            if (edges.Count == 0 || e > edges[^1]) edges.Add(e);
        }
        // An edge at the minimum would leave the first bin empty in the real data.
        if (edges.Count > 0 && edges[0] <= sorted[0]) edges.RemoveAt(0);
        return edges.ToArray();
    }

    /// <summary>Number of edges ≤ x: the bin of x, so a value equal to an edge falls in the upper bin.</summary>
    internal static int UpperBound(double[] edges, double x)
    {
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
