using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

/// <summary>
/// The CPU backend: hand-vectorised ops over 64-byte aligned host memory, Vector512 where the CPU
/// has AVX-512 and Vector256 otherwise, with scalar tails. Each op family lives in its own
/// folder, Ops/&lt;Family&gt;/SimdBackend.&lt;Family&gt;.cs, beside its reference and GPU kernels.
/// Ops run on the calling thread; see <see cref="RowPartition"/> for splitting a batch over cores.
/// </summary>
public sealed partial class SimdBackend : IComputeBackend
{
    /// <inheritdoc />
    public string Name => "simd";

    /// <summary>The widest vector width in floats that the CPU accelerates (16, 8 or 1).</summary>
    public static int VectorWidth => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

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
