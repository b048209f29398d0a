using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>? _sgd;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, AdamStepArgs>? _adam;

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
}
