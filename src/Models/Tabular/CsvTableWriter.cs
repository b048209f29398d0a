using System.Globalization;
using System.Text;

namespace DpSynth.Models.Tabular;

/// <summary>Writes a table as RFC 4180 CSV (header row, CRLF line ends, quotes only where needed), or with tabs as TSV.</summary>
public static class CsvTableWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> through a temporary file.</summary>
    /// <param name="table">The table.</param>
    /// <param name="path">Output file.</param>
    /// <param name="missingMarker">Text written for a missing value (empty by default).</param>
    /// <param name="separator">Field separator: ',' (CSV) or '\t' (TSV).</param>
    public static void Write(Table table, string path, string missingMarker = "", char separator = ',') =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            Write(table, writer, missingMarker, separator);
        });

    /// <summary>Writes <paramref name="table"/> as CSV (or, with a tab <paramref name="separator"/>, TSV) text to <paramref name="writer"/>.</summary>
    public static void Write(Table table, TextWriter writer, string missingMarker = "", char separator = ',')
    {
        var columns = table.Columns;
        for (int c = 0; c < columns.Count; c++)
        {
            if (c > 0) writer.Write(separator);
            WriteText(writer, columns[c].Name, separator);
        }
        writer.Write("\r\n");
        Span<char> number = stackalloc char[32];
        for (int r = 0; r < table.RowCount; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0) writer.Write(separator);
                switch (columns[c])
                {
                    case NumericColumn n:
                        double v = n.Values[r];
                        if (double.IsNaN(v)) { WriteText(writer, missingMarker, separator); break; }
                        // "R" gives the shortest text that reads back to the same double.
                        bool ok = n.Kind == ColumnKind.Integer
                            ? ((long)v).TryFormat(number, out int len, default, CultureInfo.InvariantCulture)
                            : v.TryFormat(number, out len, "R", CultureInfo.InvariantCulture);
                        if (!ok) throw new InvalidOperationException("A number did not fit its format buffer.");
                        writer.Write(number[..len]);
                        break;
                    case CategoricalColumn k:
                        WriteText(writer, k.ValueAt(r) ?? missingMarker, separator);
                        break;
                }
            }
            writer.Write("\r\n");
        }
    }

    private static void WriteText(TextWriter writer, string text, char separator)
    {
        // Quote when the text would otherwise be split, joined, or trimmed by a reader.
        bool quote = text.AsSpan().IndexOfAny(separator, '"', '\r') >= 0 || text.Contains('\n') || (text.Length > 0 && (text[0] == ' ' || text[^1] == ' '));
        if (!quote) { writer.Write(text); return; }
        writer.Write('"');
        writer.Write(text.Replace("\"", "\"\""));
        writer.Write('"');
    }
}
