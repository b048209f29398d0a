using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// Copies operand blocks into the k-major panels the micro-kernel streams: a panel of width W holds,
/// for each k step, W consecutive floats (rows of op(A) for an A panel, columns of op(B) for a B
/// panel), zero-padded past the matrix edge. Packing is what lets all four transpose combinations
/// share one micro-kernel: only the packing loop differs, and it costs O(size) against O(size·n).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs a panel whose width index is contiguous in memory (op(A) from a stored transposed A,
    /// op(B) from a plain B): dst[k·W + w] = src[k·ld + w] for w &lt; valid, 0 beyond.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AlongWidth(float* src, nint ld, int width, int valid, int kc, float* dst)
    {
        for (int k = 0; k < kc; k++, src += ld, dst += width)
        {
            int w = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; w + 16 <= valid; w += 16) Vector512.Store(Vector512.Load(src + w), dst + w);
            for (; w + 8 <= valid; w += 8) Vector256.Store(Vector256.Load(src + w), dst + w);
            for (; w < valid; w++) dst[w] = src[w];
            for (; w < width; w++) dst[w] = 0f;
        }
    }

    /// <summary>
    /// Packs a panel whose k index is contiguous in memory (op(A) from a plain A, op(B) from a
    /// stored transposed B): dst[k·W + w] = src[w·ld + k] for w &lt; valid, 0 beyond. This is a
    /// transpose, done in 8×8 register blocks (8 row loads, 8 contiguous stores). Row blocks run
    /// from the last to the first because a block that ends past W (W = 12) spills into the next
    /// k row, which the following, lower block then overwrites; the last row spills up to 4 floats
    /// past the panel, so callers leave slack after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AcrossWidth(float* src, nint ld, int width, int valid, int kc, float* dst)
    {
        int k = 0;
        if (Avx.IsSupported)
        {
            for (; k + 8 <= kc; k += 8)
                for (int w0 = (width - 1) / 8 * 8; w0 >= 0; w0 -= 8)
                    Transpose8x8(src + w0 * ld + k, ld, valid - w0, dst + (nint)k * width + w0, width);
        }
        for (; k < kc; k++)
        {
            float* d = dst + (nint)k * width;
            int w = 0;
            for (; w < valid; w++) d[w] = src[w * ld + k];
            for (; w < width; w++) d[w] = 0f;
        }
    }

    /// <summary>
    /// Rows r &lt; rows of src (8 floats each, stride ld) become columns: dst[j·stride + r] = src[r·ld + j]
    /// for j &lt; 8, r &lt; 8, with rows ≥ <paramref name="rows"/> read as zeros (never touched in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, int rows, float* dst, int stride)
    {
        var r0 = Row(src, ld, 0, rows); var r1 = Row(src, ld, 1, rows);
        var r2 = Row(src, ld, 2, rows); var r3 = Row(src, ld, 3, rows);
        var r4 = Row(src, ld, 4, rows); var r5 = Row(src, ld, 5, rows);
        var r6 = Row(src, ld, 6, rows); var r7 = Row(src, ld, 7, rows);
        // Interleave pairs of rows, then pairs of pairs: s_j holds column j (low lane) and j+4 (high).
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(dst);
        Avx.Permute2x128(s1, s5, 0x20).Store(dst + stride);
        Avx.Permute2x128(s2, s6, 0x20).Store(dst + 2 * stride);
        Avx.Permute2x128(s3, s7, 0x20).Store(dst + 3 * stride);
        Avx.Permute2x128(s0, s4, 0x31).Store(dst + 4 * stride);
        Avx.Permute2x128(s1, s5, 0x31).Store(dst + 5 * stride);
        Avx.Permute2x128(s2, s6, 0x31).Store(dst + 6 * stride);
        Avx.Permute2x128(s3, s7, 0x31).Store(dst + 7 * stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float* src, nint ld, int r, int rows)
        => r < rows ? Vector256.Load(src + r * ld) : Vector256<float>.Zero;
}
