using System.Globalization;
using System.Text;

namespace DpSynth.Models.Tabular;

/// <summary>Writes a table in the format its output name implies (.csv, .tsv or .parquet).</summary>
public static class TableWriter
{
    /// <summary>
    /// Writes a stream of same-shaped batches to <paramref name="path"/> through a temporary file,
    /// holding one batch at a time; returns the number of rows written. The first batch is produced
    /// before the temporary file is created, so that a generator that fails at once (a bad model)
    /// leaves nothing behind; with <paramref name="expectedRows"/> it also gives the size estimate
    /// that refuses an output the disk cannot hold, before anything is written.
    /// </summary>
    /// <param name="path">Output file (.csv, .tsv or .parquet).</param>
    /// <param name="batches">Same-shaped tables, written in order.</param>
    /// <param name="expectedRows">Rows the batches will hold in all, for the disk-space check; null to skip it.</param>
    /// <param name="cancellation">Checked between batches: a cancelled write leaves no file.</param>
    /// <exception cref="TableFormatException">The output name is not one of <see cref="TableFileType.AcceptedNames"/>.</exception>
    /// <exception cref="InsufficientDiskSpaceException">The estimated output is larger than the free space.</exception>
    public static long Write(string path, IEnumerable<Table> batches, long? expectedRows = null, CancellationToken cancellation = default)
    {
        var format = TableFileType.FromExtension(path);
        using var items = batches.GetEnumerator();
        Table? first = items.MoveNext() ? items.Current : null;
        if (first is not null && expectedRows is long rows && first.RowCount > 0)
            DiskSpace.Require(path, EstimateBytes(format, first, rows), $"{rows.ToString(CultureInfo.InvariantCulture)} rows (estimated from the first {first.RowCount.ToString(CultureInfo.InvariantCulture)})");

        IEnumerable<Table> All()
        {
            if (first is null) yield break;
            yield return first;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!items.MoveNext()) yield break;
                yield return items.Current;
            }
        }
        return format == TableFileFormat.Parquet
            ? ParquetTableWriter.Write(path, All())
            : CsvBatchWriter.Write(path, All(), separator: TableFileType.Separator(format));
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> (.csv, .tsv or .parquet) through a temporary file.</summary>
    /// <exception cref="TableFormatException">The output name is not one of <see cref="TableFileType.AcceptedNames"/>.</exception>
    public static void Write(Table table, string path)
    {
        var format = TableFileType.FromExtension(path);
        if (format == TableFileFormat.Parquet) ParquetTableWriter.Write(table, path);
        else CsvTableWriter.Write(table, path, separator: TableFileType.Separator(format));
    }

    /// <summary>Bytes a file of <paramref name="rows"/> rows like <paramref name="sample"/> takes: the sample written to memory, scaled.</summary>
    private static long EstimateBytes(TableFileFormat format, Table sample, long rows)
    {
        long sampleBytes;
        if (format == TableFileFormat.Parquet)
        {
            using var memory = new MemoryStream();
            ParquetTableWriter.WriteAsync([sample], memory).GetAwaiter().GetResult();
            sampleBytes = memory.Length;
        }
        else
        {
            using var text = new StringWriter();
            CsvTableWriter.Write(sample, text, separator: TableFileType.Separator(format));
            sampleBytes = Encoding.UTF8.GetByteCount(text.ToString());
        }
        return (long)Math.Ceiling((double)sampleBytes / sample.RowCount * rows);
    }
}
