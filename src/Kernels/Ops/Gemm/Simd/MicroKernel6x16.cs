using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// AVX2 fallback micro-kernel: a 6×16 tile in 12 ymm accumulators, the classic shape that fits
/// the 16 ymm registers of AVX2 (12 accumulators + 2 B vectors + 1 broadcast). Also the path taken
/// where Vector256 is not hardware-accelerated: slow there, but correct.
/// </summary>
internal unsafe struct MicroKernel6x16 : IGemmMicroKernel
{
    /// <inheritdoc />
    public static int Rows => 6;

    /// <inheritdoc />
    public static int Cols => 16;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0a = default, c0b = default;
        Vector256<float> c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default;
        Vector256<float> c4a = default, c4b = default;
        Vector256<float> c5a = default, c5b = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c0a = Vector256.FusedMultiplyAdd(a0, b0, c0a);
            c0b = Vector256.FusedMultiplyAdd(a0, b1, c0b);
            var a1 = Vector256.Create(a[1]);
            c1a = Vector256.FusedMultiplyAdd(a1, b0, c1a);
            c1b = Vector256.FusedMultiplyAdd(a1, b1, c1b);
            var a2 = Vector256.Create(a[2]);
            c2a = Vector256.FusedMultiplyAdd(a2, b0, c2a);
            c2b = Vector256.FusedMultiplyAdd(a2, b1, c2b);
            var a3 = Vector256.Create(a[3]);
            c3a = Vector256.FusedMultiplyAdd(a3, b0, c3a);
            c3b = Vector256.FusedMultiplyAdd(a3, b1, c3b);
            var a4 = Vector256.Create(a[4]);
            c4a = Vector256.FusedMultiplyAdd(a4, b0, c4a);
            c4b = Vector256.FusedMultiplyAdd(a4, b1, c4b);
            var a5 = Vector256.Create(a[5]);
            c5a = Vector256.FusedMultiplyAdd(a5, b0, c5a);
            c5b = Vector256.FusedMultiplyAdd(a5, b1, c5b);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c0a * va).Store(c + 0 * ldc);
            (c0b * va).Store(c + 0 * ldc + 8);
            (c1a * va).Store(c + 1 * ldc);
            (c1b * va).Store(c + 1 * ldc + 8);
            (c2a * va).Store(c + 2 * ldc);
            (c2b * va).Store(c + 2 * ldc + 8);
            (c3a * va).Store(c + 3 * ldc);
            (c3b * va).Store(c + 3 * ldc + 8);
            (c4a * va).Store(c + 4 * ldc);
            (c4b * va).Store(c + 4 * ldc + 8);
            (c5a * va).Store(c + 5 * ldc);
            (c5b * va).Store(c + 5 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Blend(c + 0 * ldc, c0a, va, vb);
            Blend(c + 0 * ldc + 8, c0b, va, vb);
            Blend(c + 1 * ldc, c1a, va, vb);
            Blend(c + 1 * ldc + 8, c1b, va, vb);
            Blend(c + 2 * ldc, c2a, va, vb);
            Blend(c + 2 * ldc + 8, c2b, va, vb);
            Blend(c + 3 * ldc, c3a, va, vb);
            Blend(c + 3 * ldc + 8, c3b, va, vb);
            Blend(c + 4 * ldc, c4a, va, vb);
            Blend(c + 4 * ldc + 8, c4b, va, vb);
            Blend(c + 5 * ldc, c5a, va, vb);
            Blend(c + 5 * ldc + 8, c5b, va, vb);
        }
    }

    /// <summary>row = β·row + α·acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend(float* row, Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta)
        => Vector256.FusedMultiplyAdd(beta, Vector256.Load(row), acc * alpha).Store(row);
}
