using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _transposedProduct;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _product;
    private Action<KernelConfig, ArrayView<float>, int>? _normalise;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _dot;

    /// <inheritdoc />
    public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations = 1)
    {
        OpPreconditions.PowerIteration(this, w, u, v, iterations);
        int rows = w.Rows, cols = w.Cols;
        if (rows == 0 || cols == 0) return 0f;
        _transposedProduct ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(PowerIterationKernels.TransposedProduct);
        _product ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(PowerIterationKernels.Product);
        _normalise ??= _accelerator.LoadStreamKernel<ArrayView<float>, int>(PowerIterationKernels.NormaliseOrReset);
        _dot ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(PowerIterationKernels.Dot);
        ArrayView<float> wv = View(w), uv = View(u), vv = View(v);
        for (int it = 0; it < iterations; it++)
        {
            // Wᵀu needs only u and Wv only v, so each product writes straight into the other vector.
            _transposedProduct(Spread(cols), wv, uv, vv, rows, cols);
            _normalise(GroupPer(1), vv, cols);
            _product(GroupPer(rows), wv, vv, uv, cols);
            _normalise(GroupPer(1), uv, rows);
        }
        var wTimesV = Scratch(rows);
        _product(GroupPer(rows), wv, vv, wTimesV, cols);
        _dot(GroupPer(1), uv, wTimesV, _results.View, rows, 1);
        return ReadResult(1);
    }
}
