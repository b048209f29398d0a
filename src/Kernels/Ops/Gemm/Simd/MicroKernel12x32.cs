using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// AVX-512 micro-kernel: a 12×32 tile held in 24 zmm accumulators. Zen 5 retires two 512-bit FMAs
/// per cycle with 4-cycle latency, so at least 8 independent chains are needed; 24 leave slack and
/// amortise the two B loads over 24 FMAs. 24 + 2 (B) + 1 (broadcast) = 27 of the 32 zmm registers.
/// Each k step: two B vector loads, then one A broadcast and two FMAs per row.
/// </summary>
internal unsafe struct MicroKernel12x32 : IGemmMicroKernel
{
    /// <inheritdoc />
    public static int Rows => 12;

    /// <inheritdoc />
    public static int Cols => 32;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0a = default, c0b = default;
        Vector512<float> c1a = default, c1b = default;
        Vector512<float> c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default;
        Vector512<float> c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default;
        Vector512<float> c7a = default, c7b = default;
        Vector512<float> c8a = default, c8b = default;
        Vector512<float> c9a = default, c9b = default;
        Vector512<float> c10a = default, c10b = default;
        Vector512<float> c11a = default, c11b = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(a0, b0, c0a);
            c0b = Vector512.FusedMultiplyAdd(a0, b1, c0b);
            var a1 = Vector512.Create(a[1]);
            c1a = Vector512.FusedMultiplyAdd(a1, b0, c1a);
            c1b = Vector512.FusedMultiplyAdd(a1, b1, c1b);
            var a2 = Vector512.Create(a[2]);
            c2a = Vector512.FusedMultiplyAdd(a2, b0, c2a);
            c2b = Vector512.FusedMultiplyAdd(a2, b1, c2b);
            var a3 = Vector512.Create(a[3]);
            c3a = Vector512.FusedMultiplyAdd(a3, b0, c3a);
            c3b = Vector512.FusedMultiplyAdd(a3, b1, c3b);
            var a4 = Vector512.Create(a[4]);
            c4a = Vector512.FusedMultiplyAdd(a4, b0, c4a);
            c4b = Vector512.FusedMultiplyAdd(a4, b1, c4b);
            var a5 = Vector512.Create(a[5]);
            c5a = Vector512.FusedMultiplyAdd(a5, b0, c5a);
            c5b = Vector512.FusedMultiplyAdd(a5, b1, c5b);
            var a6 = Vector512.Create(a[6]);
            c6a = Vector512.FusedMultiplyAdd(a6, b0, c6a);
            c6b = Vector512.FusedMultiplyAdd(a6, b1, c6b);
            var a7 = Vector512.Create(a[7]);
            c7a = Vector512.FusedMultiplyAdd(a7, b0, c7a);
            c7b = Vector512.FusedMultiplyAdd(a7, b1, c7b);
            var a8 = Vector512.Create(a[8]);
            c8a = Vector512.FusedMultiplyAdd(a8, b0, c8a);
            c8b = Vector512.FusedMultiplyAdd(a8, b1, c8b);
            var a9 = Vector512.Create(a[9]);
            c9a = Vector512.FusedMultiplyAdd(a9, b0, c9a);
            c9b = Vector512.FusedMultiplyAdd(a9, b1, c9b);
            var a10 = Vector512.Create(a[10]);
            c10a = Vector512.FusedMultiplyAdd(a10, b0, c10a);
            c10b = Vector512.FusedMultiplyAdd(a10, b1, c10b);
            var a11 = Vector512.Create(a[11]);
            c11a = Vector512.FusedMultiplyAdd(a11, b0, c11a);
            c11b = Vector512.FusedMultiplyAdd(a11, b1, c11b);
            a += 12;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c0a * va).Store(c + 0 * ldc);
            (c0b * va).Store(c + 0 * ldc + 16);
            (c1a * va).Store(c + 1 * ldc);
            (c1b * va).Store(c + 1 * ldc + 16);
            (c2a * va).Store(c + 2 * ldc);
            (c2b * va).Store(c + 2 * ldc + 16);
            (c3a * va).Store(c + 3 * ldc);
            (c3b * va).Store(c + 3 * ldc + 16);
            (c4a * va).Store(c + 4 * ldc);
            (c4b * va).Store(c + 4 * ldc + 16);
            (c5a * va).Store(c + 5 * ldc);
            (c5b * va).Store(c + 5 * ldc + 16);
            (c6a * va).Store(c + 6 * ldc);
            (c6b * va).Store(c + 6 * ldc + 16);
            (c7a * va).Store(c + 7 * ldc);
            (c7b * va).Store(c + 7 * ldc + 16);
            (c8a * va).Store(c + 8 * ldc);
            (c8b * va).Store(c + 8 * ldc + 16);
            (c9a * va).Store(c + 9 * ldc);
            (c9b * va).Store(c + 9 * ldc + 16);
            (c10a * va).Store(c + 10 * ldc);
            (c10b * va).Store(c + 10 * ldc + 16);
            (c11a * va).Store(c + 11 * ldc);
            (c11b * va).Store(c + 11 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Blend(c + 0 * ldc, c0a, va, vb);
            Blend(c + 0 * ldc + 16, c0b, va, vb);
            Blend(c + 1 * ldc, c1a, va, vb);
            Blend(c + 1 * ldc + 16, c1b, va, vb);
            Blend(c + 2 * ldc, c2a, va, vb);
            Blend(c + 2 * ldc + 16, c2b, va, vb);
            Blend(c + 3 * ldc, c3a, va, vb);
            Blend(c + 3 * ldc + 16, c3b, va, vb);
            Blend(c + 4 * ldc, c4a, va, vb);
            Blend(c + 4 * ldc + 16, c4b, va, vb);
            Blend(c + 5 * ldc, c5a, va, vb);
            Blend(c + 5 * ldc + 16, c5b, va, vb);
            Blend(c + 6 * ldc, c6a, va, vb);
            Blend(c + 6 * ldc + 16, c6b, va, vb);
            Blend(c + 7 * ldc, c7a, va, vb);
            Blend(c + 7 * ldc + 16, c7b, va, vb);
            Blend(c + 8 * ldc, c8a, va, vb);
            Blend(c + 8 * ldc + 16, c8b, va, vb);
            Blend(c + 9 * ldc, c9a, va, vb);
            Blend(c + 9 * ldc + 16, c9b, va, vb);
            Blend(c + 10 * ldc, c10a, va, vb);
            Blend(c + 10 * ldc + 16, c10b, va, vb);
            Blend(c + 11 * ldc, c11a, va, vb);
            Blend(c + 11 * ldc + 16, c11b, va, vb);
        }
    }

    /// <summary>row = β·row + α·acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend(float* row, Vector512<float> acc, Vector512<float> alpha, Vector512<float> beta)
        => Vector512.FusedMultiplyAdd(beta, Vector512.Load(row), acc * alpha).Store(row);
}
