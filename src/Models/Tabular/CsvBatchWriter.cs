using System.Text;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Writes a stream of same-shaped table batches as one CSV file (one header row), holding one batch
/// at a time, through a temporary file that is renamed only when every batch was written — an
/// error midway leaves no partial output.
/// </summary>
public static class CsvBatchWriter
{
    /// <summary>Writes <paramref name="batches"/> to <paramref name="path"/>; returns the number of data rows written.</summary>
    /// <exception cref="ArgumentException">A batch's columns differ from the first batch's.</exception>
    /// <param name="path">Output file.</param>
    /// <param name="batches">Same-shaped tables, written in order.</param>
    /// <param name="missingMarker">Text written for a missing value (empty by default).</param>
    /// <param name="separator">Field separator: ',' (CSV) or '\t' (TSV).</param>
    public static long Write(string path, IEnumerable<Table> batches, string missingMarker = "", char separator = ',')
    {
        long rows = 0;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            string[]? header = null;
            var text = new StringBuilder();
            foreach (var batch in batches)
            {
                var names = batch.Columns.Select(c => c.Name).ToArray();
                text.Clear();
                using (var buffer = new StringWriter(text)) CsvTableWriter.Write(batch, buffer, missingMarker, separator);
                if (header is null)
                {
                    header = names;
                    writer.Write(text);
                }
                else
                {
                    if (!names.SequenceEqual(header)) throw new ArgumentException("A batch's columns differ from the first batch's.");
                    // The batch's own header row is dropped: the file has one header.
                    int body = text.ToString().IndexOf("\r\n", StringComparison.Ordinal) + 2;
                    writer.Write(text.ToString(body, text.Length - body));
                }
                rows += batch.RowCount;
            }
        });
        return rows;
    }
}
