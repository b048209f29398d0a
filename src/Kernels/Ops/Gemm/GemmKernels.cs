using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// C = act(α·op(A)·op(B) + β·C + bias) as a classic two-level tiled GEMM. A group of T×T threads owns a
/// 4T×4T tile of C (T = 16 on a GPU: 256 threads, a 64×64 tile) and walks K in steps of 16: the group
/// stages a 4T×16 slab of op(A) and a 16×4T slab of op(B) in shared memory (k-major, so the inner loop
/// reads consecutive floats), then every thread accumulates a 4×4 register tile. A thread's rows are
/// ty + T·i and its columns tx + T·j, so a warp reads consecutive B values (no bank conflicts) and
/// broadcasts A values, and the epilogue's stores are coalesced along rows. The K loop runs ⌈K/16⌉
/// times with zero-filled edges, so any M, N, K works (unlike a loop bounded by the tile count of M).
/// T is a launch argument so that the CPU simulator can run the same code with 4×4-thread groups.
/// ILGPU does not unroll loops, so the 4×4 update is written out by hand.
/// </summary>
internal static class GemmKernels
{
    /// <summary>K extent staged per step.</summary>
    public const int TileK = 16;

    /// <summary>Outputs per thread along each side of its register tile.</summary>
    public const int PerThread = 4;

    /// <summary>The largest tile side (T = 16), which sizes the shared slabs.</summary>
    private const int MaxTile = 64;

    /// <summary>The tiled GEMM; launch ⌈M/4T⌉·⌈N/4T⌉ groups of T·T threads.</summary>
    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, GemmLaunch s)
    {
        var aTile = SharedMemory.Allocate<float>(TileK * MaxTile);
        var bTile = SharedMemory.Allocate<float>(TileK * MaxTile);
        int t = s.ThreadsPerSide, tile = PerThread * t, tid = Group.IdxX;
        int rowBase = Grid.IdxX / s.TilesN * tile, colBase = Grid.IdxX % s.TilesN * tile;
        int tx = tid % t, ty = tid / t;
        // A is M×K (stride K) or, transposed, K×M (stride M); likewise B is K×N or N×K.
        int lda = s.TransposeA != 0 ? s.M : s.K, ldb = s.TransposeB != 0 ? s.K : s.N;
        int loads = TileK * tile / (t * t);

        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < s.K; k0 += TileK)
        {
            // TileK·4T elements per slab, 64/T per thread. The index split follows the memory layout so
            // that consecutive threads read consecutive addresses of the global operand.
            for (int l = 0; l < loads; l++)
            {
                int i = tid + l * t * t;
                int mm = s.TransposeA != 0 ? i % tile : i / TileK, ka = s.TransposeA != 0 ? i / tile : i % TileK;
                int gm = rowBase + mm, gka = k0 + ka;
                float av = 0f;
                if (gm < s.M && gka < s.K) av = s.TransposeA != 0 ? a[gka * lda + gm] : a[gm * lda + gka];
                aTile[ka * tile + mm] = av;

                int nn = s.TransposeB != 0 ? i / TileK : i % tile, kb = s.TransposeB != 0 ? i % TileK : i / tile;
                int gn = colBase + nn, gkb = k0 + kb;
                float bv = 0f;
                if (gn < s.N && gkb < s.K) bv = s.TransposeB != 0 ? b[gn * ldb + gkb] : b[gkb * ldb + gn];
                bTile[kb * tile + nn] = bv;
            }
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                int ar = kk * tile + ty, br = kk * tile + tx;
                float a0 = aTile[ar], a1 = aTile[ar + t], a2 = aTile[ar + 2 * t], a3 = aTile[ar + 3 * t];
                float b0 = bTile[br], b1 = bTile[br + t], b2 = bTile[br + 2 * t], b3 = bTile[br + 3 * t];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            // The next step overwrites the slabs other threads may still be reading.
            Group.Barrier();
        }

        int r0 = rowBase + ty, q0 = colBase + tx;
        StoreRow(c, bias, s, r0, q0, t, c00, c01, c02, c03);
        StoreRow(c, bias, s, r0 + t, q0, t, c10, c11, c12, c13);
        StoreRow(c, bias, s, r0 + 2 * t, q0, t, c20, c21, c22, c23);
        StoreRow(c, bias, s, r0 + 3 * t, q0, t, c30, c31, c32, c33);
    }

    private static void StoreRow(ArrayView<float> c, ArrayView<float> bias, GemmLaunch s, int row, int col, int t, float v0, float v1, float v2, float v3)
    {
        if (row >= s.M) return;
        Store(c, bias, s, row, col, v0);
        Store(c, bias, s, row, col + t, v1);
        Store(c, bias, s, row, col + 2 * t, v2);
        Store(c, bias, s, row, col + 3 * t, v3);
    }

    /// <summary>The fused epilogue for one element; β = 0 never reads C, so stale NaNs cannot leak in.</summary>
    private static void Store(ArrayView<float> c, ArrayView<float> bias, GemmLaunch s, int row, int col, float acc)
    {
        if (col >= s.N) return;
        int index = row * s.N + col;
        float v = s.Alpha * acc;
        if (s.Beta != 0f) v += s.Beta * c[index];
        if (s.HasBias != 0) v += bias[col];
        c[index] = DeviceActivation.Forward(s.Activation, v, s.ActivationParameter);
    }
}

/// <summary>Arguments of <see cref="GemmKernels.Tiled"/>.</summary>
internal struct GemmLaunch
{
    public int M, N, K, ThreadsPerSide, TilesN, TransposeA, TransposeB, HasBias, Activation;
    public float Alpha, Beta, ActivationParameter;
}
