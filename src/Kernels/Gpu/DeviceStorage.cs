using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

/// <summary>
/// Tensor storage in accelerator memory: one ILGPU buffer, allocated once and viewed by any number of
/// tensors (row slices of a batch buffer share it), so a training step never allocates on the device.
/// </summary>
public sealed class DeviceStorage : TensorStorage
{
    private readonly IlgpuBackend _owner;
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer;

    /// <summary>Allocates zeroed device storage of <paramref name="length"/> floats on the backend's accelerator.</summary>
    internal DeviceStorage(IlgpuBackend backend, Accelerator accelerator, int length) : base(backend, length)
    {
        _owner = backend;
        // ILGPU refuses zero-length buffers; a one-float buffer keeps empty tensors uniform.
        _buffer = accelerator.Allocate1D<float>(Math.Max(1, length));
        _buffer.MemSetToZero();
    }

    /// <summary>The underlying ILGPU buffer.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Buffer => _buffer ?? throw new ObjectDisposedException(nameof(DeviceStorage));

    /// <summary>The elements of <paramref name="t"/> as a device view; the tensor must live in device storage.</summary>
    internal static ArrayView1D<float, Stride1D.Dense> ViewOf(Tensor t)
    {
        if (t.Storage is not DeviceStorage device)
            throw new ArgumentException($"Tensor {t.ShapeText} lives on backend '{t.Backend.Name}', not in accelerator memory.");
        return device.Buffer.View.SubView(t.Offset, t.Length);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_buffer is null) return;
        _buffer.Dispose();
        _buffer = null;
        _owner.Released(this);
    }
}
