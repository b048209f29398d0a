using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// AVX-512 half-width kernel for the last column strip when at most 16 columns remain (e.g. the
/// 108-wide layers of the reference net: 3×32 + 12): pads 12 → 16 instead of 12 → 32. Same A panels
/// as <see cref="MicroKernel12x32"/>; 12 independent FMA chains still cover the FMA latency.
/// </summary>
internal unsafe struct MicroKernel12x16 : IGemmMicroKernel
{
    /// <inheritdoc />
    public static int Rows => 12;

    /// <inheritdoc />
    public static int Cols => 16;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0a = default;
        Vector512<float> c1a = default;
        Vector512<float> c2a = default;
        Vector512<float> c3a = default;
        Vector512<float> c4a = default;
        Vector512<float> c5a = default;
        Vector512<float> c6a = default;
        Vector512<float> c7a = default;
        Vector512<float> c8a = default;
        Vector512<float> c9a = default;
        Vector512<float> c10a = default;
        Vector512<float> c11a = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var a0 = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(a0, b0, c0a);
            var a1 = Vector512.Create(a[1]);
            c1a = Vector512.FusedMultiplyAdd(a1, b0, c1a);
            var a2 = Vector512.Create(a[2]);
            c2a = Vector512.FusedMultiplyAdd(a2, b0, c2a);
            var a3 = Vector512.Create(a[3]);
            c3a = Vector512.FusedMultiplyAdd(a3, b0, c3a);
            var a4 = Vector512.Create(a[4]);
            c4a = Vector512.FusedMultiplyAdd(a4, b0, c4a);
            var a5 = Vector512.Create(a[5]);
            c5a = Vector512.FusedMultiplyAdd(a5, b0, c5a);
            var a6 = Vector512.Create(a[6]);
            c6a = Vector512.FusedMultiplyAdd(a6, b0, c6a);
            var a7 = Vector512.Create(a[7]);
            c7a = Vector512.FusedMultiplyAdd(a7, b0, c7a);
            var a8 = Vector512.Create(a[8]);
            c8a = Vector512.FusedMultiplyAdd(a8, b0, c8a);
            var a9 = Vector512.Create(a[9]);
            c9a = Vector512.FusedMultiplyAdd(a9, b0, c9a);
            var a10 = Vector512.Create(a[10]);
            c10a = Vector512.FusedMultiplyAdd(a10, b0, c10a);
            var a11 = Vector512.Create(a[11]);
            c11a = Vector512.FusedMultiplyAdd(a11, b0, c11a);
            a += 12;
            b += 16;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c0a * va).Store(c + 0 * ldc);
            (c1a * va).Store(c + 1 * ldc);
            (c2a * va).Store(c + 2 * ldc);
            (c3a * va).Store(c + 3 * ldc);
            (c4a * va).Store(c + 4 * ldc);
            (c5a * va).Store(c + 5 * ldc);
            (c6a * va).Store(c + 6 * ldc);
            (c7a * va).Store(c + 7 * ldc);
            (c8a * va).Store(c + 8 * ldc);
            (c9a * va).Store(c + 9 * ldc);
            (c10a * va).Store(c + 10 * ldc);
            (c11a * va).Store(c + 11 * ldc);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Blend(c + 0 * ldc, c0a, va, vb);
            Blend(c + 1 * ldc, c1a, va, vb);
            Blend(c + 2 * ldc, c2a, va, vb);
            Blend(c + 3 * ldc, c3a, va, vb);
            Blend(c + 4 * ldc, c4a, va, vb);
            Blend(c + 5 * ldc, c5a, va, vb);
            Blend(c + 6 * ldc, c6a, va, vb);
            Blend(c + 7 * ldc, c7a, va, vb);
            Blend(c + 8 * ldc, c8a, va, vb);
            Blend(c + 9 * ldc, c9a, va, vb);
            Blend(c + 10 * ldc, c10a, va, vb);
            Blend(c + 11 * ldc, c11a, va, vb);
        }
    }

    /// <summary>row = β·row + α·acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend(float* row, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(row), acc * alpha).Store(row);
}
