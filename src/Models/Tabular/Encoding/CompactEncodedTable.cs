using DpSynth.Kernels;

namespace DpSynth.Models.Tabular;

/// <summary>Encoded rows that a consumer reads one row at a time.</summary>
public interface IEncodedRows
{
    /// <summary>Number of rows.</summary>
    int Rows { get; }

    /// <summary>Floats per encoded row.</summary>
    int Width { get; }

    /// <summary>One-hot blocks of the encoded row.</summary>
    ColumnSpans SoftmaxSpans { get; }

    /// <summary>Writes row <paramref name="row"/> (<see cref="Width"/> floats) into <paramref name="destination"/>.</summary>
    void CopyRow(int row, Span<float> destination);
}

/// <summary>
/// An encoded table stored as what it is: one hot position per softmax span and row, and the floats
/// of the columns outside spans. A one-hot row of a wide table is almost all zeros — 1,000 columns
/// with binned numerics encode to ~17,000 floats per row (680 MB for 10,000 rows), but hold ~1,000
/// hot positions (40 MB) — so this keeps the memory of the encoded data linear in the columns, not
/// in their encoded width. <see cref="CopyRow"/> rebuilds the dense row.
/// </summary>
public sealed class CompactEncodedTable : IEncodedRows
{
    private readonly int[] _hot;        // rows × spans: the hot column of each span, as an offset within the span
    private readonly float[] _dense;    // rows × dense columns
    private readonly int[] _denseColumns; // encoded position of each dense column
    private readonly int[] _spanStarts;

    private CompactEncodedTable(int rows, int width, ColumnSpans spans, int[] denseColumns)
    {
        Rows = rows;
        Width = width;
        SoftmaxSpans = spans;
        _spanStarts = spans.Starts.ToArray();
        _denseColumns = denseColumns;
        _hot = new int[checked(rows * spans.Count)];
        _dense = new float[checked(rows * denseColumns.Length)];
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public ColumnSpans SoftmaxSpans { get; }

    /// <summary>Bytes held per row: a hot position per span and a float per column outside the spans.</summary>
    public static long BytesPerRow(ColumnSpans spans, int width)
    {
        long spanned = 0;
        for (int s = 0; s < spans.Count; s++) spanned += spans.Lengths[s];
        return 4L * spans.Count + 4L * (width - spanned);
    }

    /// <summary>
    /// Encodes <paramref name="table"/> one column at a time (only one column's dense block exists at
    /// once), reporting the columns done to <paramref name="columnsDone"/>.
    /// </summary>
    /// <exception cref="TableFormatException">A column is absent or holds values the encoder cannot represent.</exception>
    public static CompactEncodedTable Encode(TableEncoder encoder, Table table, IProgress<int>? columnsDone = null, CancellationToken cancellation = default)
    {
        var spans = encoder.SoftmaxSpans;
        var inSpan = new bool[encoder.Width];
        for (int s = 0; s < spans.Count; s++) inSpan.AsSpan(spans.Starts[s], spans.Lengths[s]).Fill(true);
        var denseColumns = Enumerable.Range(0, encoder.Width).Where(j => !inSpan[j]).ToArray();
        var result = new CompactEncodedTable(table.RowCount, encoder.Width, spans, denseColumns);
        int rows = table.RowCount, spanCount = spans.Count, denseCount = denseColumns.Length;
        int nextSpan = 0, nextDense = 0;
        float[] block = [];
        for (int i = 0; i < encoder.Columns.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var column = encoder.Columns[i];
            var layout = encoder.Layout[i];
            int w = column.Width;
            if (block.Length < (long)rows * w) block = new float[checked(rows * w)];
            else block.AsSpan(0, rows * w).Clear();
            encoder.EncodeColumn(i, table, block.AsSpan(0, rows * w));
            // The column's spans and dense floats, in encoded order (spans are sorted by start).
            int firstSpan = nextSpan;
            while (nextSpan < spanCount && spans.Starts[nextSpan] < layout.Start + w) nextSpan++;
            for (int r = 0; r < rows; r++)
            {
                var row = block.AsSpan(r * w, w);
                for (int s = firstSpan; s < nextSpan; s++)
                    result._hot[r * spanCount + s] = HotPosition(row.Slice(spans.Starts[s] - layout.Start, spans.Lengths[s]), column.Name);
            }
            int firstDense = nextDense;
            while (nextDense < denseCount && denseColumns[nextDense] < layout.Start + w) nextDense++;
            for (int r = 0; r < rows; r++)
                for (int d = firstDense; d < nextDense; d++)
                    result._dense[r * denseCount + d] = block[r * w + denseColumns[d] - layout.Start];
            columnsDone?.Report(i + 1);
        }
        return result;
    }

    /// <summary>The one position of a span that holds 1 (every other holds 0): spans are one-hot by construction.</summary>
    private static int HotPosition(ReadOnlySpan<float> span, string column)
    {
        int hot = -1;
        for (int j = 0; j < span.Length; j++)
        {
            if (span[j] == 0) continue;
            if (span[j] != 1 || hot >= 0) throw new InvalidOperationException($"The encoding of column \"{column}\" is not one-hot within a softmax span.");
            hot = j;
        }
        return hot >= 0 ? hot : throw new InvalidOperationException($"The encoding of column \"{column}\" left a softmax span empty.");
    }

    /// <inheritdoc />
    public void CopyRow(int row, Span<float> destination)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        var x = destination[..Width];
        x.Clear();
        int spanCount = _spanStarts.Length, denseCount = _denseColumns.Length;
        var hot = _hot.AsSpan(row * spanCount, spanCount);
        for (int s = 0; s < spanCount; s++) x[_spanStarts[s] + hot[s]] = 1f;
        var dense = _dense.AsSpan(row * denseCount, denseCount);
        for (int d = 0; d < denseCount; d++) x[_denseColumns[d]] = dense[d];
    }
}
