namespace DpSynth.Kernels;

/// <summary>
/// A row-major, contiguous float32 matrix living in storage owned by one backend.
/// A tensor can be a view of the leading rows (or any row range) of a larger allocation, which is
/// how a variable Poisson batch reuses buffers sized for the largest batch without reallocating.
/// </summary>
public sealed class Tensor
{
    internal Tensor(TensorStorage storage, int offset, int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Tensor shape {rows}×{cols} is negative.");
        if (offset < 0 || (long)offset + (long)rows * cols > storage.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Tensor view {rows}×{cols} at offset {offset} exceeds storage of {storage.Length} floats.");
        Storage = storage;
        Offset = offset;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>The backend-owned storage this tensor views.</summary>
    public TensorStorage Storage { get; }

    /// <summary>Offset of element [0,0] in the storage, in floats.</summary>
    public int Offset { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (also the row stride: tensors are contiguous).</summary>
    public int Cols { get; }

    /// <summary>Rows × Cols.</summary>
    public int Length => Rows * Cols;

    /// <summary>The backend that owns the storage.</summary>
    public IComputeBackend Backend => Storage.Backend;

    /// <summary>A view of <paramref name="count"/> rows starting at <paramref name="start"/>.</summary>
    public Tensor SliceRows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Rows)
            throw new ArgumentOutOfRangeException(nameof(start), $"Row slice [{start}, {start + count}) is outside a {Rows}×{Cols} tensor.");
        return new Tensor(Storage, Offset + start * Cols, count, Cols);
    }

    /// <summary>The same elements seen with another shape (rows × cols must match).</summary>
    public Tensor Reshape(int rows, int cols)
    {
        if ((long)rows * cols != Length)
            throw new ArgumentException($"Cannot reshape a {Rows}×{Cols} tensor to {rows}×{cols}.");
        return new Tensor(Storage, Offset, rows, cols);
    }

    /// <summary>"rows×cols", for error messages.</summary>
    public string ShapeText => $"{Rows}×{Cols}";

    /// <inheritdoc />
    public override string ToString() => $"Tensor {ShapeText} on {Backend.Name}";
}

/// <summary>Storage for tensors, allocated and released by a backend.</summary>
public abstract class TensorStorage : IDisposable
{
    /// <summary>Creates storage of <paramref name="length"/> floats owned by <paramref name="backend"/>.</summary>
    protected TensorStorage(IComputeBackend backend, int length)
    {
        Backend = backend;
        Length = length;
    }

    /// <summary>The owning backend.</summary>
    public IComputeBackend Backend { get; }

    /// <summary>Capacity in floats.</summary>
    public int Length { get; }

    /// <summary>A tensor viewing the first rows × cols floats.</summary>
    public Tensor View(int rows, int cols) => new(this, 0, rows, cols);

    /// <inheritdoc />
    public abstract void Dispose();
}
