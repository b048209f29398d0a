using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>? _layerNorm;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _layerNormInput;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>? _layerNormParameters;

    /// <inheritdoc />
    public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps = 1e-5f)
    {
        OpPreconditions.LayerNormForward(this, x, gamma, beta, y, mean, rstd);
        if (x.Rows == 0) return;
        _layerNorm ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(LayerNormKernels.Forward);
        _layerNorm(GroupPer(x.Rows), View(x), View(gamma), View(beta), View(y), View(mean), View(rstd), x.Cols, eps);
    }

    /// <inheritdoc />
    public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate = 0f)
    {
        OpPreconditions.LayerNormBackward(this, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        if (x.Cols > 0)
        {
            _layerNormParameters ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(LayerNormKernels.BackwardParameters);
            _layerNormParameters(GroupPer(ColumnTiles(x.Cols)), View(dy), View(x), View(mean), View(rstd), View(dgamma), View(dbeta), x.Rows, x.Cols, accumulate);
        }
        if (x.Rows > 0)
        {
            _layerNormInput ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerNormKernels.BackwardInput);
            _layerNormInput(GroupPer(x.Rows), View(dy), View(x), View(gamma), View(mean), View(rstd), View(dx), x.Cols);
        }
    }
}
