using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows>? _softmax;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows>? _softmaxBackward;

    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.Softmax(this, x, y, spans);
        if (x.Length == 0) return;
        _softmax ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows>(SoftmaxKernels.Forward);
        var shape = new SpanRows { Cols = x.Cols, SpanCount = spans.Count, Log = log ? 1 : 0 };
        _softmax(GroupPer(x.Rows), View(x), View(y), DeviceSpans(spans), shape);
    }

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.SoftmaxBackward(this, y, dy, dx, spans);
        if (y.Length == 0) return;
        _softmaxBackward ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows>(SoftmaxKernels.Backward);
        var shape = new SpanRows { Cols = y.Cols, SpanCount = spans.Count, Log = log ? 1 : 0 };
        _softmaxBackward(GroupPer(y.Rows), View(y), View(dy), View(dx), DeviceSpans(spans), shape);
    }
}
