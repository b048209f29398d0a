using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, float>? _activationForward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>? _activationBackward;

    /// <inheritdoc />
    public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter = 0.01f)
    {
        OpPreconditions.ActivationForward(this, f, x, y);
        if (x.Length == 0) return;
        _activationForward ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, float>(ActivationKernels.ActivationForward);
        _activationForward(Spread(x.Length), View(x), View(y), x.Length, (int)f, parameter);
    }

    /// <inheritdoc />
    public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter = 0.01f)
    {
        OpPreconditions.ActivationBackward(this, f, x, y, dy, dx);
        if (x.Length == 0) return;
        _activationBackward ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(ActivationKernels.ActivationBackward);
        _activationBackward(Spread(x.Length), View(x), View(y), View(dy), View(dx), x.Length, (int)f, parameter);
    }
}
