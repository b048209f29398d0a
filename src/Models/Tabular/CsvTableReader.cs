using System.Globalization;
using System.Text;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Reads RFC 4180 CSV into typed columns in one streaming pass. With a schema, numeric columns
/// are parsed straight from the text and labels are dictionary-encoded as they are read; without
/// one, every column is dictionary-encoded (for schema inference).
/// </summary>
public static class CsvTableReader
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="TableFormatException">The file is malformed or does not match the schema.</exception>
    public static Table Read(string path, TableSchema? schema, TableReadOptions? options = null)
    {
        options ??= new TableReadOptions();
        if (options.Separator is null && path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            options = options with { Separator = '\t' };
        using var stream = TableFileType.OpenRead(path);
        // The reader detects and drops a UTF-8/UTF-16 BOM; a large buffer because cells are tiny.
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path, schema, options);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="file"/> names it in messages.</summary>
    /// <exception cref="TableFormatException">The text is malformed or does not match the schema.</exception>
    public static Table Read(TextReader reader, string file, TableSchema? schema, TableReadOptions? options = null)
    {
        options ??= new TableReadOptions();
        var tokens = new CsvTokenizer(reader, options.Separator ?? ',', file);
        if (!tokens.ReadRecord())
            throw new TableFormatException(file, 1, null, "a header row, but the file is empty");
        var header = new string[tokens.FieldCount];
        for (int i = 0; i < header.Length; i++) header[i] = Clean(tokens.Field(i), tokens.IsQuoted(i), options).ToString();
        var builders = TableBinding.CreateBuilders(file, header, schema);

        var missing = options.ResolveMissingMarkers(schema).ToArray();
        bool skipBlankLines = header.Length > 1;
        while (tokens.ReadRecord())
        {
            long row = tokens.RecordNumber;
            if (tokens.FieldCount != header.Length)
            {
                if (skipBlankLines && tokens.IsBlankLine) continue;
                string? column = tokens.FieldCount < header.Length ? header[tokens.FieldCount] : null;
                throw new TableFormatException(file, row, column, $"{header.Length} fields as in the header, got {tokens.FieldCount}");
            }
            for (int i = 0; i < builders.Length; i++)
            {
                var text = Clean(tokens.Field(i), tokens.IsQuoted(i), options);
                if (IsMissing(text, missing)) builders[i].AddMissing(row);
                else builders[i].Add(text, row);
            }
        }
        return TableBinding.Build(file, builders);
    }

    private static ReadOnlySpan<char> Clean(ReadOnlySpan<char> field, bool quoted, TableReadOptions options) =>
        options.TrimUnquotedFields && !quoted ? field.Trim(' ') : field;

    private static bool IsMissing(ReadOnlySpan<char> text, string[] markers)
    {
        foreach (var m in markers)
            if (text.Length == m.Length && text.SequenceEqual(m)) return true;
        return false;
    }
}

/// <summary>Matches a file's columns to a schema and creates the builders that read them.</summary>
internal static class TableBinding
{
    /// <summary>
    /// One builder per file column. Every schema column must be in the file and every file column in
    /// the schema (role "ignore" to skip one), so that a renamed or shifted column cannot be
    /// silently read as something else.
    /// </summary>
    public static ColumnBuilder[] CreateBuilders(string file, IReadOnlyList<string> header, TableSchema? schema)
    {
        // Without a schema column in it, the first row may be data: say so before naming any of its fields.
        if (schema is not null && !schema.Columns.Any(c => header.Contains(c.Name)))
            throw new TableFormatException(file, 1, null, $"a header row naming the schema's columns (e.g. \"{schema.Columns[0].Name}\"), but none of them is in the first row", PrivateValues.Quote(string.Join(",", header)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string position = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (header[i].Length == 0) throw new TableFormatException(file, 1, position, "a column name in the header, got an empty field");
            if (!seen.Add(header[i])) throw new TableFormatException(file, 1, header[i], "distinct column names in the header");
        }
        if (schema is null)
        {
            if (header.All(LooksNumeric))
                throw new TableFormatException(file, 1, null, "a header row naming the columns, but the first row looks like data");
            return header.Select(h => (ColumnBuilder)new CategoricalColumnBuilder(file, h, ColumnKind.Categorical, missingAllowed: true)).ToArray();
        }

        foreach (var c in schema.Columns)
            if (!seen.Contains(c.Name))
                throw new TableFormatException(file, 1, c.Name, $"a column \"{c.Name}\" (the schema names it{(c.Role == ColumnRole.Label ? " as the label" : "")}), but the file has none");
        var builders = new ColumnBuilder[header.Count];
        for (int i = 0; i < header.Count; i++)
        {
            var c = schema.Find(header[i])
                ?? throw new TableFormatException(file, 1, header[i], "only columns named in the schema (add this one with role \"ignore\" to skip it)");
            builders[i] = Create(file, c);
        }
        return builders;
    }

    private static ColumnBuilder Create(string file, ColumnSchema c)
    {
        if (c.Role == ColumnRole.Ignore) return new SkippedColumnBuilder(file, c.Name);
        if (c.Kind.IsNumeric()) return new NumericColumnBuilder(file, c.Name, c.Kind, c.Missing);
        // Only a public list may decide codes or refuse values; a private list is ignored here
        // so that reading behaves the same whether or not it was written into the schema.
        var cats = c.PublicCategories;
        return new CategoricalColumnBuilder(file, c.Name, c.Kind, c.Missing, cats?.Values, cats?.Closed ?? false, c.Labels);
    }

    public static Table Build(string file, ColumnBuilder[] builders) =>
        new(file, builders.Where(b => b is not SkippedColumnBuilder).Select(b => b.Build()).ToArray());

    private static bool LooksNumeric(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
