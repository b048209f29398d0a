using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _rowNorms;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int>? _groupedNorms;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearNormShape>? _linearNorms;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float>? _clipFactors;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int>? _scaleRows;

    /// <inheritdoc />
    public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.RowSquaredNorms(this, x, norms);
        if (x.Rows == 0) return;
        _rowNorms ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(ClippingKernels.RowSquaredNorms);
        _rowNorms(GroupPer(x.Rows), View(x), View(norms), x.Cols, accumulate ? 1 : 0);
    }

    /// <inheritdoc />
    public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.GroupedSumSquaredNorms(this, x, groupSize, norms);
        int examples = x.Rows / groupSize;
        if (examples == 0) return;
        _groupedNorms ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(ClippingKernels.GroupedSumSquaredNorms);
        _groupedNorms(GroupPer(examples), View(x), View(norms), x.Cols, groupSize, accumulate ? 1 : 0);
    }

    /// <inheritdoc />
    public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.LinearPerExampleSquaredNorms(this, a, delta, groupSize, norms);
        int examples = a.Rows / groupSize;
        if (examples == 0) return;
        _linearNorms ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearNormShape>(ClippingKernels.LinearPerExampleSquaredNorms);
        var shape = new LinearNormShape { GroupSize = groupSize, InCols = a.Cols, OutCols = delta.Cols, IncludeBias = includeBias ? 1 : 0, Accumulate = accumulate ? 1 : 0 };
        _linearNorms(GroupPer(examples), View(a), View(delta), View(norms), shape);
    }

    /// <inheritdoc />
    public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors)
    {
        OpPreconditions.ClipFactors(this, squaredNorms, clipNorm, factors);
        if (factors.Length == 0) return;
        _clipFactors ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(ClippingKernels.ClipFactors);
        _clipFactors(Spread(factors.Length), View(squaredNorms), View(factors), factors.Length, clipNorm);
    }

    /// <inheritdoc />
    public void ScaleRows(Tensor x, Tensor factors, int groupSize = 1)
    {
        OpPreconditions.ScaleRows(this, x, factors, groupSize);
        if (x.Length == 0) return;
        _scaleRows ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(ClippingKernels.ScaleRows);
        _scaleRows(Spread(x.Length), View(x), View(factors), x.Length, x.Cols, groupSize);
    }
}
