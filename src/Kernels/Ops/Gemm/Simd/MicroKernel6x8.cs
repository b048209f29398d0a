using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// AVX2 half-width kernel for the last column strip when at most 8 columns remain.
/// </summary>
internal unsafe struct MicroKernel6x8 : IGemmMicroKernel
{
    /// <inheritdoc />
    public static int Rows => 6;

    /// <inheritdoc />
    public static int Cols => 8;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0a = default;
        Vector256<float> c1a = default;
        Vector256<float> c2a = default;
        Vector256<float> c3a = default;
        Vector256<float> c4a = default;
        Vector256<float> c5a = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var a0 = Vector256.Create(a[0]);
            c0a = Vector256.FusedMultiplyAdd(a0, b0, c0a);
            var a1 = Vector256.Create(a[1]);
            c1a = Vector256.FusedMultiplyAdd(a1, b0, c1a);
            var a2 = Vector256.Create(a[2]);
            c2a = Vector256.FusedMultiplyAdd(a2, b0, c2a);
            var a3 = Vector256.Create(a[3]);
            c3a = Vector256.FusedMultiplyAdd(a3, b0, c3a);
            var a4 = Vector256.Create(a[4]);
            c4a = Vector256.FusedMultiplyAdd(a4, b0, c4a);
            var a5 = Vector256.Create(a[5]);
            c5a = Vector256.FusedMultiplyAdd(a5, b0, c5a);
            a += 6;
            b += 8;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c0a * va).Store(c + 0 * ldc);
            (c1a * va).Store(c + 1 * ldc);
            (c2a * va).Store(c + 2 * ldc);
            (c3a * va).Store(c + 3 * ldc);
            (c4a * va).Store(c + 4 * ldc);
            (c5a * va).Store(c + 5 * ldc);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Blend(c + 0 * ldc, c0a, va, vb);
            Blend(c + 1 * ldc, c1a, va, vb);
            Blend(c + 2 * ldc, c2a, va, vb);
            Blend(c + 3 * ldc, c3a, va, vb);
            Blend(c + 4 * ldc, c4a, va, vb);
            Blend(c + 5 * ldc, c5a, va, vb);
        }
    }

    /// <summary>row = β·row + α·acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend(float* row, Vector256<float> acc, Vector256<float> alpha, Vector256<float> beta)
        => Vector256.FusedMultiplyAdd(beta, Vector256.Load(row), acc * alpha).Store(row);
}
