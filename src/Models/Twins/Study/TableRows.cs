using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins.Study;

/// <summary>Row and column subsets and concatenation of in-memory tables, for splitting the study's data.</summary>
internal static class TableRows
{
    /// <summary>The rows <paramref name="rows"/> of <paramref name="table"/>, keeping only <paramref name="columns"/> (all when null).</summary>
    public static Table Select(Table table, IReadOnlyList<int> rows, string source, IReadOnlyCollection<string>? columns = null)
    {
        var result = new List<TableColumn>();
        foreach (var column in table.Columns)
        {
            if (columns is not null && !columns.Contains(column.Name)) continue;
            switch (column)
            {
                case NumericColumn num:
                {
                    var src = num.Values;
                    var values = new double[rows.Count];
                    for (int i = 0; i < values.Length; i++) values[i] = src[rows[i]];
                    result.Add(new NumericColumn(num.Name, num.Kind, values, values.Length));
                    break;
                }
                case CategoricalColumn cat:
                {
                    var src = cat.Codes;
                    var codes = new int[rows.Count];
                    for (int i = 0; i < codes.Length; i++) codes[i] = src[rows[i]];
                    result.Add(new CategoricalColumn(cat.Name, cat.Kind, codes, codes.Length, cat.Levels));
                    break;
                }
            }
        }
        return new Table(source, result);
    }

    /// <summary>Stacks tables with the same columns; categorical levels are merged by name.</summary>
    public static Table Concat(IEnumerable<Table> parts, string source)
    {
        var list = parts.ToList();
        if (list.Count == 0) throw new ArgumentException("Nothing to concatenate.", nameof(parts));
        if (list.Count == 1) return new Table(source, list[0].Columns);
        int n = list.Sum(t => t.RowCount);
        var result = new List<TableColumn>();
        foreach (var first in list[0].Columns)
        {
            if (first is NumericColumn num)
            {
                var values = new double[n];
                int at = 0;
                foreach (var t in list)
                {
                    var c = t.Find(first.Name) as NumericColumn ?? throw new ArgumentException($"{t.Source}: no numeric column {first.Name} to concatenate.");
                    c.Values.CopyTo(values.AsSpan(at));
                    at += c.Length;
                }
                result.Add(new NumericColumn(num.Name, num.Kind, values, n));
            }
            else
            {
                var levels = new List<string>();
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                var codes = new int[n];
                int at = 0;
                foreach (var t in list)
                {
                    var c = t.Find(first.Name) as CategoricalColumn ?? throw new ArgumentException($"{t.Source}: no categorical column {first.Name} to concatenate.");
                    var map = new int[c.Levels.Count];
                    for (int l = 0; l < map.Length; l++)
                    {
                        if (!index.TryGetValue(c.Levels[l], out int j)) { j = levels.Count; levels.Add(c.Levels[l]); index[c.Levels[l]] = j; }
                        map[l] = j;
                    }
                    foreach (int code in c.Codes) codes[at++] = code < 0 ? -1 : map[code];
                }
                result.Add(new CategoricalColumn(first.Name, first.Kind, codes, n, levels));
            }
        }
        return new Table(source, result);
    }

    /// <summary>The levels of categorical column <paramref name="column"/> that occur on at least one row.</summary>
    public static HashSet<string> PresentLevels(Table table, string column)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (table.Find(column) is not CategoricalColumn cat) return set;
        var used = new bool[cat.Levels.Count];
        foreach (int code in cat.Codes) if (code >= 0) used[code] = true;
        for (int i = 0; i < used.Length; i++) if (used[i]) set.Add(cat.Levels[i]);
        return set;
    }
}
