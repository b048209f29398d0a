namespace DpSynth.Kernels.Reference;

/// <summary>
/// Plain scalar loops, written for obviousness rather than speed (double accumulators where it
/// helps clarity): the ground truth every other backend is tested against, and the baseline
/// that benchmarks compare to.
/// </summary>
public sealed partial class ReferenceBackend : IComputeBackend
{
    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public Tensor Allocate(int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Cannot allocate a {rows}×{cols} tensor.");
        return new HostStorage(this, _allocations, checked(rows * cols)).View(rows, cols);
    }

    /// <inheritdoc />
    public void Upload(ReadOnlySpan<float> src, Tensor dst)
    {
        ShapeCheck.SameLength(src.Length, dst, nameof(Upload));
        src.CopyTo(HostStorage.SpanOf(dst));
    }

    /// <inheritdoc />
    public void Download(Tensor src, Span<float> dst)
    {
        ShapeCheck.SameLength(dst.Length, src, nameof(Download));
        HostStorage.SpanOf(src).CopyTo(dst);
    }

    /// <inheritdoc />
    public void Copy(Tensor src, Tensor dst)
    {
        ShapeCheck.SameLength(src, dst, nameof(Copy));
        HostStorage.SpanOf(src).CopyTo(HostStorage.SpanOf(dst));
    }

    /// <inheritdoc />
    public void Fill(Tensor x, float value) => HostStorage.SpanOf(x).Fill(value);

    /// <inheritdoc />
    public void Synchronize() { }

    private readonly HostAllocations _allocations = new();

    /// <summary>Frees every tensor this backend allocated (tensors must not be used afterwards).</summary>
    public void Dispose() => _allocations.Dispose();
}
