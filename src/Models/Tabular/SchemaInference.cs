using System.Globalization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Proposes a schema from a table read without one: kinds, roles and whether values are missing.
/// It reads the data exactly, WITHOUT differential privacy (one row with 37.5 makes a column
/// continuous, one "?" sets its missing flag): a data custodian's working step, never used by a
/// DP fit — fitting without a schema infers one with DP instead (<see cref="Inference.PrivateSchemaInference"/>).
/// Values (bounds, category lists) are proposed only on request and always marked private,
/// because they are read off the data: the user must review them before declaring them public.
/// </summary>
public static class SchemaInference
{
    /// <summary>Column names taken to be the prediction target when no other label is evident.</summary>
    private const int MaxLabelClasses = 20;

    private static readonly string[] LabelNames = ["label", "target", "class", "y", "outcome"];

    /// <summary>Proposes a schema for <paramref name="table"/>.</summary>
    /// <param name="table">A table read without a schema.</param>
    /// <param name="includeValues">Also write bounds and category lists read from the data, marked <c>"public": false</c>.</param>
    public static TableSchema Infer(Table table, bool includeValues = false)
    {
        var columns = table.Columns.Select(c => InferColumn(c, table.RowCount, includeValues)).ToList();
        var distinct = table.Columns.Select(c => c is CategoricalColumn cc ? cc.Levels.Count : int.MaxValue).ToArray();
        int label = FindLabel(columns, distinct);
        if (label >= 0) columns[label] = columns[label] with { Role = ColumnRole.Label };
        return new TableSchema(columns);
    }

    private static ColumnSchema InferColumn(TableColumn column, int rows, bool includeValues)
    {
        bool missing = column.MissingCount() > 0;
        switch (column)
        {
            case NumericColumn n:
                return Numeric(n.Name, n.Values.ToArray(), missing, includeValues);
            case CategoricalColumn c when c.Kind == ColumnKind.Boolean:
                return new ColumnSchema(c.Name, ColumnKind.Boolean, Missing: missing);
            case CategoricalColumn c:
                // Text columns whose every value is a number are numeric columns stored as text.
                var numbers = new double[c.Levels.Count];
                bool allNumbers = c.Levels.Count > 0;
                for (int i = 0; i < numbers.Length && allNumbers; i++)
                    allNumbers = double.TryParse(c.Levels[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) && double.IsFinite(numbers[i]);
                if (allNumbers && !IsBooleanLike(c.Levels))
                {
                    var values = new double[c.Length];
                    for (int r = 0; r < values.Length; r++) values[r] = c.Codes[r] < 0 ? double.NaN : numbers[c.Codes[r]];
                    return Numeric(c.Name, values, missing, includeValues);
                }
                if (c.Levels.Count > 0 && IsBooleanLike(c.Levels))
                    return new ColumnSchema(c.Name, ColumnKind.Boolean, Missing: missing);
                // A text column with a distinct value in (nearly) every row is an identifier or free text: not modelled.
                var role = rows >= 20 && c.Levels.Count >= 0.95 * (rows - c.MissingCount()) ? ColumnRole.Ignore : ColumnRole.Feature;
                var cats = includeValues && role != ColumnRole.Ignore
                    ? new DeclaredCategories(c.Levels.Order(StringComparer.Ordinal).ToArray(), Public: false)
                    : null;
                return new ColumnSchema(c.Name, ColumnKind.Categorical, role, missing, Categories: cats);
            default:
                throw new ArgumentException($"Unknown column type {column.GetType().Name}.");
        }
    }

    private static ColumnSchema Numeric(string name, double[] values, bool missing, bool includeValues)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool integral = true;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
            integral &= v == Math.Round(v);
        }
        var kind = integral ? ColumnKind.Integer : ColumnKind.Continuous;
        var bounds = includeValues && min < max ? new DeclaredBounds(min, max, Public: false) : null;
        return new ColumnSchema(name, kind, Missing: missing, Bounds: bounds);
    }

    private static bool IsBooleanLike(IReadOnlyList<string> levels)
    {
        if (levels.Count != 2) return false;
        int a = BooleanText.Parse(levels[0]), b = BooleanText.Parse(levels[1]);
        return a >= 0 && b >= 0 && a != b;
    }

    /// <summary>
    /// The label: a column with a conventional target name, else the last column when it is a
    /// categorical or boolean with few values (the common layout of classification data).
    /// </summary>
    private static int FindLabel(List<ColumnSchema> columns, int[] distinct)
    {
        for (int i = 0; i < columns.Count; i++)
            if (LabelNames.Contains(columns[i].Name.ToLowerInvariant()) && columns[i].Role == ColumnRole.Feature) return i;
        int last = columns.Count - 1;
        if (last > 0 && columns[last].Kind is ColumnKind.Boolean or ColumnKind.Categorical && columns[last].Role == ColumnRole.Feature
            && distinct[last] <= MaxLabelClasses)
            return last;
        return -1;
    }
}
