namespace DpSynth.Models.Training;

/// <summary>
/// Training records as rows: record i becomes <see cref="RowsPerRecord"/> consecutive input rows and
/// target rows (e.g. several diffusion steps of one record, clipped together as one example).
/// </summary>
public interface IBatchSource
{
    /// <summary>Number of records N (the population Poisson sampling draws from).</summary>
    int Records { get; }

    /// <summary>Rows per record (G ≥ 1).</summary>
    int RowsPerRecord { get; }

    /// <summary>Input columns per row.</summary>
    int InputWidth { get; }

    /// <summary>Target columns per row.</summary>
    int TargetWidth { get; }

    /// <summary>
    /// Writes the rows of <paramref name="records"/> (in order) into host buffers of
    /// records.Length·G rows. Called concurrently by workers for disjoint record ranges, so it must
    /// be thread-safe for that; <paramref name="step"/> lets sources that add noise (diffusion) seed it.
    /// </summary>
    void Fill(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step);
}

/// <summary>Records held in host arrays (row-major), one row per record unless told otherwise.</summary>
public sealed class ArrayBatchSource : IBatchSource
{
    private readonly float[] _inputs, _targets;

    /// <summary>Wraps inputs (N·G × inputWidth) and targets (N·G × targetWidth).</summary>
    public ArrayBatchSource(float[] inputs, int inputWidth, float[] targets, int targetWidth, int rowsPerRecord = 1)
    {
        if (inputWidth <= 0 || targetWidth <= 0 || rowsPerRecord <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputWidth), "Widths and rows per record must be positive.");
        int rowLength = inputWidth * rowsPerRecord;
        if (inputs.Length == 0 || inputs.Length % rowLength != 0)
            throw new ArgumentException($"Inputs hold {inputs.Length} floats, not a positive multiple of {rowsPerRecord} rows × {inputWidth} columns.");
        Records = inputs.Length / rowLength;
        if (targets.Length != (long)Records * rowsPerRecord * targetWidth)
            throw new ArgumentException($"Targets hold {targets.Length} floats; {Records} records need {(long)Records * rowsPerRecord * targetWidth}.");
        _inputs = inputs;
        _targets = targets;
        InputWidth = inputWidth;
        TargetWidth = targetWidth;
        RowsPerRecord = rowsPerRecord;
    }

    /// <inheritdoc />
    public int Records { get; }

    /// <inheritdoc />
    public int RowsPerRecord { get; }

    /// <inheritdoc />
    public int InputWidth { get; }

    /// <inheritdoc />
    public int TargetWidth { get; }

    /// <inheritdoc />
    public void Fill(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step)
    {
        int inLength = InputWidth * RowsPerRecord, outLength = TargetWidth * RowsPerRecord;
        for (int i = 0; i < records.Length; i++)
        {
            int r = records[i];
            _inputs.AsSpan(r * inLength, inLength).CopyTo(inputs.Slice(i * inLength, inLength));
            _targets.AsSpan(r * outLength, outLength).CopyTo(targets.Slice(i * outLength, outLength));
        }
    }
}
