using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>? _sgd;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, AdamStepArgs>? _adam;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _transposedProduct;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _product;
    private Action<KernelConfig, ArrayView<float>, int>? _normalise;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _dot;

    /// <inheritdoc />
    public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum = 0f, float weightDecay = 0f)
    {
        OpPreconditions.SgdStep(this, parameters, gradient, velocity);
        if (parameters.Length == 0) return;
        _sgd ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>(OptimiserKernels.Sgd);
        _sgd(Spread(parameters.Length), View(parameters), View(gradient), View(velocity), parameters.Length, learningRate, momentum, weightDecay);
    }

    /// <inheritdoc />
    public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step)
    {
        OpPreconditions.AdamStep(this, parameters, gradient, m, v, step);
        if (parameters.Length == 0) return;
        _adam ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, AdamStepArgs>(OptimiserKernels.Adam);
        var args = new AdamStepArgs
        {
            LearningRate = hyper.LearningRate, Beta1 = hyper.Beta1, Beta2 = hyper.Beta2, Epsilon = hyper.Epsilon, WeightDecay = hyper.WeightDecay,
            // β^t in double: for large t in float, 1 − β2^t would lose most of its digits.
            Correction1 = (float)(1 - Math.Pow(hyper.Beta1, step)), Correction2 = (float)(1 - Math.Pow(hyper.Beta2, step)),
            Decoupled = hyper.Decoupled ? 1 : 0,
        };
        _adam(Spread(parameters.Length), View(parameters), View(gradient), View(m), View(v), parameters.Length, args);
    }

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
