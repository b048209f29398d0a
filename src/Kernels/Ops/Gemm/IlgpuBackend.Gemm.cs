using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmLaunch>? _gemm;

    /// <inheritdoc />
    public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha = 1f, float beta = 0f, GemmEpilogue epilogue = default)
    {
        var (m, n, k) = GemmShapeCheck.Validate(this, a, transposeA, b, transposeB, c, epilogue);
        if (m == 0 || n == 0) return;
        _gemm ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmLaunch>(GemmKernels.Tiled);
        int tile = GemmKernels.PerThread * _gemmThreadsPerSide;
        int tilesM = (m + tile - 1) / tile, tilesN = (n + tile - 1) / tile;
        var launch = new GemmLaunch
        {
            M = m, N = n, K = k, ThreadsPerSide = _gemmThreadsPerSide, TilesN = tilesN,
            TransposeA = transposeA ? 1 : 0, TransposeB = transposeB ? 1 : 0,
            HasBias = epilogue.Bias is null ? 0 : 1, Activation = (int)epilogue.Activation,
            Alpha = alpha, Beta = beta, ActivationParameter = epilogue.ActivationParameter,
        };
        // With K = 0, A and B are empty placeholders that the kernel never reads (its K loop is empty).
        _gemm(new KernelConfig(tilesM * tilesN, _gemmThreadsPerSide * _gemmThreadsPerSide), View(a), View(b), View(c), View(epilogue.Bias), launch);
    }
}
