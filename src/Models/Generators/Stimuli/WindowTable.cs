using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>A windows table read for the stimuli commands: the windows and what the schema declares public about them.</summary>
/// <param name="Windows">The windows (recorded units).</param>
/// <param name="LabelLevels">The label's values in class order.</param>
/// <param name="SubjectsPublic">Whether the subject list is declared public (a DP ID classifier needs it: S is its output width).</param>
/// <param name="PublicBounds">Per sample column its public bounds, or null when some column has none.</param>
public sealed record WindowTableContent(WindowSet Windows, IReadOnlyList<string> LabelLevels, bool SubjectsPublic, (double Min, double Max)[]? PublicBounds);

/// <summary>
/// Reads windows from a table: one numeric column per sample point (every column but the label and the
/// subject, in file order), a label column and a subject column. The label's classes are the schema's
/// public category list when it declares one, else the values 0 and 1 (no class list is read from the
/// private data); subjects are numbered in the schema's public list order, else in order of appearance.
/// </summary>
public static class WindowTable
{
    /// <summary>Extracts the windows; bad input is refused naming the file, row and column, never a value.</summary>
    /// <exception cref="TableFormatException">A column is missing, not numeric, or holds a missing or unexpected value.</exception>
    public static WindowTableContent Read(Table table, TableSchema schema, string labelColumn, string? subjectColumn,
        IReadOnlyList<string>? requiredColumns = null)
    {
        string file = table.Source;
        var label = table.Find(labelColumn) ?? throw new TableFormatException(file, 0, labelColumn, "a label column of that name (--label)");
        TableColumn? subject = null;
        if (subjectColumn is not null)
            subject = table.Find(subjectColumn) ?? throw new TableFormatException(file, 0, subjectColumn, "a subject column of that name (--subject)");
        if (subjectColumn == labelColumn) throw new TableFormatException(file, 0, labelColumn, "different columns for --label and --subject");
        var samples = requiredColumns is null
            ? table.Columns.Where(c => c.Name != labelColumn && c.Name != subjectColumn).ToArray()
            : requiredColumns.Select(name => table.Find(name) ?? throw new TableFormatException(file, 0, name, "the sample column the teacher was trained with")).ToArray();
        if (samples.Length == 0) throw new TableFormatException(file, 0, null, "at least one sample column besides the label and the subject");
        int n = table.RowCount, width = samples.Length;
        if (n == 0) throw new TableFormatException(file, 0, null, "at least one window (row)");
        var values = new float[(long)n * width];
        for (int j = 0; j < width; j++)
        {
            if (samples[j] is not NumericColumn numeric) throw new TableFormatException(file, 0, samples[j].Name, "a numeric sample column (declare it continuous in the schema)");
            var v = numeric.Values;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(v[i])) throw new TableFormatException(file, i + 2, samples[j].Name, "a number (windows must be complete)");
                values[(long)i * width + j] = (float)v[i];
            }
        }

        var declaredLabels = schema.Find(labelColumn)?.PublicCategories?.Values;
        var levels = declaredLabels ?? ["0", "1"];
        var labels = Codes(file, label, levels, declaredLabels is null ? "0 or 1 (or declare the label's categories public in the schema)" : "one of the label's declared categories");

        var declaredSubjects = subjectColumn is null ? null : schema.Find(subjectColumn)?.PublicCategories?.Values;
        int[] subjects;
        int subjectCount;
        if (subject is null) { subjects = new int[n]; subjectCount = 1; }
        else if (declaredSubjects is not null)
        {
            subjects = Codes(file, subject, declaredSubjects, "one of the subject column's declared categories");
            subjectCount = declaredSubjects.Count;
        }
        else
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            subjects = new int[n];
            for (int i = 0; i < n; i++)
            {
                string key = Text(subject, i) ?? throw new TableFormatException(file, i + 2, subject.Name, "a subject (not missing)");
                if (!seen.TryGetValue(key, out int code)) seen[key] = code = seen.Count;
                subjects[i] = code;
            }
            subjectCount = seen.Count;
        }

        (double, double)[]? bounds = new (double, double)[width];
        for (int j = 0; j < width && bounds is not null; j++)
            bounds = schema.Find(samples[j].Name)?.PublicBounds is { } b ? Set(bounds, j, (b.Min, b.Max)) : null;
        var windows = new WindowSet(values, width, labels, subjects, Math.Max(1, subjectCount), samples.Select(c => c.Name).ToArray());
        return new WindowTableContent(windows, levels, declaredSubjects is not null, bounds);
    }

    private static (double, double)[] Set((double, double)[] bounds, int j, (double, double) value)
    {
        bounds[j] = value;
        return bounds;
    }

    private static int[] Codes(string file, TableColumn column, IReadOnlyList<string> levels, string expected)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < levels.Count; k++) index.TryAdd(levels[k], k);
        var codes = new int[column.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            string? text = Text(column, i);
            if (text is null || !index.TryGetValue(text, out codes[i]))
                throw new TableFormatException(file, i + 2, column.Name, expected, text);
        }
        return codes;
    }

    // A numeric cell as the integer text it holds (1.0 → "1"); a categorical cell as its value.
    private static string? Text(TableColumn column, int row) => column switch
    {
        NumericColumn n => double.IsNaN(n.Values[row]) ? null : n.Values[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        CategoricalColumn c => c.ValueAt(row) switch { "true" => "1", "false" => "0", var v => v },
        _ => null,
    };
}
