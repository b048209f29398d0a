using DpSynth.Kernels.Simd.Gemm;

namespace DpSynth.Kernels.Simd;

public sealed partial class SimdBackend
{
    /// <inheritdoc />
    /// <remarks>
    /// Packed, register-blocked GEMM (see <see cref="SimdGemm"/>): 12×32 Vector512 micro-kernel,
    /// 6×16 Vector256 where AVX-512 is missing; the bias/activation epilogue runs on each tile
    /// while it is in L1. Single-threaded; the workspace is per thread and reused, so no allocation.
    /// </remarks>
    public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha = 1f, float beta = 0f, GemmEpilogue epilogue = default)
        => SimdGemm.Run(this, a, transposeA, b, transposeB, c, alpha, beta, epilogue);
}
