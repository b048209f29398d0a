using DpSynth.Kernels;

namespace DpSynth.Models.Tabular;

/// <summary>Where one source column sits in an encoded row.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Kind">Column kind.</param>
/// <param name="Role">Feature or label.</param>
/// <param name="Start">First float of the column's block.</param>
/// <param name="Width">Number of floats.</param>
public sealed record EncodedColumnLayout(string Name, ColumnKind Kind, ColumnRole Role, int Start, int Width);

/// <summary>
/// An encoded table: a row-major float matrix (rows × width) ready to be uploaded to a tensor, with
/// the softmax blocks a generator's output head needs.
/// </summary>
public sealed class EncodedTable : IEncodedRows
{
    /// <summary>Wraps encoded data.</summary>
    public EncodedTable(float[] data, int rows, int width, ColumnSpans softmaxSpans, IReadOnlyList<EncodedColumnLayout> layout)
    {
        if (data.Length != (long)rows * width) throw new ArgumentException($"Encoded data has {data.Length} floats, expected {rows} × {width}.");
        Data = data;
        Rows = rows;
        Width = width;
        SoftmaxSpans = softmaxSpans;
        Layout = layout;
    }

    /// <summary>The values, row-major: row r is Data[r·Width .. (r+1)·Width).</summary>
    public float[] Data { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Floats per row.</summary>
    public int Width { get; }

    /// <summary>One-hot and missing-indicator blocks (softmax + cross-entropy heads).</summary>
    public ColumnSpans SoftmaxSpans { get; }

    /// <summary>Where each source column sits in a row.</summary>
    public IReadOnlyList<EncodedColumnLayout> Layout { get; }

    /// <summary>Row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Data.AsSpan(row * Width, Width);

    /// <inheritdoc />
    public void CopyRow(int row, Span<float> destination) => Row(row).CopyTo(destination);
}
