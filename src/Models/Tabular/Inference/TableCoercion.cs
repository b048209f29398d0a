using System.Globalization;

namespace DpSynth.Models.Tabular.Inference;

/// <summary>
/// Types a column read without a schema under the kind DP inference decided. Every cell gets a
/// value, because refusing one would reveal that some record holds it: text that is not a number
/// (or not a boolean) becomes missing, and a fraction in an integer column is rounded to the
/// nearest whole number (halves away from zero).
/// </summary>
internal static class TableCoercion
{
    public static TableColumn Coerce(TableColumn column, ColumnSchema schema) => schema.Kind switch
    {
        ColumnKind.Integer or ColumnKind.Continuous => Numbers(column, schema.Kind),
        ColumnKind.Boolean => Booleans(column),
        _ => Labels(column, schema.Kind),
    };

    private static NumericColumn Numbers(TableColumn column, ColumnKind kind)
    {
        var values = new double[column.Length];
        switch (column)
        {
            case NumericColumn n:
                n.Values.CopyTo(values);
                break;
            case CategoricalColumn c:
                var parsed = c.Levels.Select(l => CellShape.TryParse(l, out double v) ? v
                    : c.Kind == ColumnKind.Boolean ? BooleanText.Parse(l) : double.NaN).ToArray();
                var codes = c.Codes;
                for (int r = 0; r < values.Length; r++) values[r] = codes[r] < 0 ? double.NaN : parsed[codes[r]];
                break;
        }
        if (kind == ColumnKind.Integer)
            for (int r = 0; r < values.Length; r++) values[r] = Math.Round(values[r], MidpointRounding.AwayFromZero);
        return new NumericColumn(column.Name, kind, values, values.Length);
    }

    private static CategoricalColumn Booleans(TableColumn column)
    {
        if (column is CategoricalColumn { Kind: ColumnKind.Boolean } already) return already;
        var codes = new int[column.Length];
        var spellings = new BooleanSpellings();
        switch (column)
        {
            case NumericColumn n:
                for (int r = 0; r < codes.Length; r++)
                {
                    double v = n.Values[r];
                    codes[r] = v is 0 or 1 ? (int)v : -1;
                    if (codes[r] >= 0) spellings.Add(v == 1 ? "1" : "0");
                }
                break;
            case CategoricalColumn c:
                var value = c.Levels.Select(l => BooleanText.Parse(l)).ToArray();
                var src = c.Codes;
                for (int r = 0; r < codes.Length; r++)
                {
                    codes[r] = src[r] < 0 ? -1 : value[src[r]];
                    if (codes[r] >= 0) spellings.Add(c.Levels[src[r]]);
                }
                break;
        }
        return new CategoricalColumn(column.Name, ColumnKind.Boolean, codes, codes.Length, BooleanText.Levels) { Spellings = spellings.Counts };
    }

    private static CategoricalColumn Labels(TableColumn column, ColumnKind kind)
    {
        switch (column)
        {
            case CategoricalColumn c when c.Kind == kind: return c;
            case CategoricalColumn c: return new CategoricalColumn(c.Name, kind, c.Codes.ToArray(), c.Length, c.Levels);
            case NumericColumn n:
                // Numbers inferred categorical (too few to tell): their shortest text is the category.
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                var levels = new List<string>();
                var codes = new int[n.Length];
                for (int r = 0; r < codes.Length; r++)
                {
                    double v = n.Values[r];
                    if (double.IsNaN(v)) { codes[r] = -1; continue; }
                    string text = v.ToString("R", CultureInfo.InvariantCulture);
                    if (!index.TryGetValue(text, out codes[r])) { codes[r] = levels.Count; index.Add(text, levels.Count); levels.Add(text); }
                }
                return new CategoricalColumn(n.Name, kind, codes, codes.Length, levels);
            default:
                throw new ArgumentException($"Unknown column type {column.GetType().Name}.");
        }
    }
}
