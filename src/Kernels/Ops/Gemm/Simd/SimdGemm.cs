using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>Which micro-kernel a GEMM runs; tests force the fallback to cover it on AVX-512 machines.</summary>
internal enum GemmKernelWidth
{
    /// <summary>Vector512 where accelerated, otherwise Vector256.</summary>
    Auto,
    /// <summary>The 12×32 AVX-512 kernel.</summary>
    Vector512,
    /// <summary>The 6×16 AVX2 kernel.</summary>
    Vector256,
}

/// <summary>A GEMM operand in host memory: element (i, j) of the stored matrix is Data[i·Ld + j].</summary>
internal readonly unsafe struct GemmOperand(float* data, int ld, bool transposed)
{
    public float* Data { get; } = data;
    public int Ld { get; } = ld;
    public bool Transposed { get; } = transposed;

    /// <summary>The operand starting <paramref name="rows"/> rows of op(X) further down.</summary>
    public GemmOperand SkipOpRows(int rows) => new(Data + (Transposed ? rows : (nint)rows * Ld), Ld, Transposed);
}

/// <summary>
/// The blocked SIMD GEMM driver (Goto/BLIS loop order). B is packed once per (NC × KC) block and
/// stays in L2; A is packed per (MC × KC) block; each NR-wide packed B panel (KC·NR·4 = 32 KiB)
/// stays in L1 while the MR-row A panels stream past it. K blocks after the first accumulate
/// (β = 1), and the bias/activation epilogue runs on each tile after the last K block.
/// Hot methods are marked AggressiveOptimization: at tier 0 the vector intrinsics (Exp above all)
/// run as software fallbacks, which made the first ~100 ms of GEMMs with epilogues 10× slower.
/// </summary>
internal static unsafe partial class SimdGemm
{
    /// <summary>K block: one 32-column B panel of KC steps is 32 KiB, inside Zen 5's 48 KiB L1d.</summary>
    private const int KC = 256;
    /// <summary>M block: a packed A block of MC × KC floats (144 KiB) sits in L2 next to B.</summary>
    private const int MC = 144;
    /// <summary>N block: a packed B block of KC × NC floats (512 KiB) fits the 1 MiB L2.</summary>
    private const int NC = 512;

    /// <summary>C (m × n, row stride ldc) = act(α·op(A)·op(B) + β·C + bias) on the calling thread.</summary>
    public static void Run(GemmOperand a, GemmOperand b, float* c, int ldc, int m, int n, int k,
        float alpha, float beta, float* bias, Activation activation, float parameter, GemmKernelWidth width = GemmKernelWidth.Auto)
    {
        if (m <= 0 || n <= 0) return;
        if (width == GemmKernelWidth.Auto)
            width = Vector512.IsHardwareAccelerated ? GemmKernelWidth.Vector512 : GemmKernelWidth.Vector256;
        if (width == GemmKernelWidth.Vector512)
            Blocked<MicroKernel12x32, MicroKernel12x16>(a, b, c, ldc, m, n, k, alpha, beta, bias, activation, parameter);
        else
            Blocked<MicroKernel6x16, MicroKernel6x8>(a, b, c, ldc, m, n, k, alpha, beta, bias, activation, parameter);
    }

    /// <summary>
    /// The loop nest. <typeparamref name="THalf"/> is a half-width kernel with the same row count,
    /// used for a last column strip that would leave more than half of a full strip as padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<TKernel, THalf>(GemmOperand a, GemmOperand b, float* c, int ldc, int m, int n, int k,
        float alpha, float beta, float* bias, Activation activation, float parameter)
        where TKernel : struct, IGemmMicroKernel
        where THalf : struct, IGemmMicroKernel
    {
        int mr = TKernel.Rows, nr = TKernel.Cols;
        int ncMax = Math.Min(NC, RoundUp(n, nr)), kcMax = Math.Min(KC, Math.Max(k, 1)), mcMax = Math.Min(MC, RoundUp(m, mr));
        // Workspace: packed B block | slack | packed A block | slack | padded bias | one edge tile.
        // The 16-float slack absorbs the spill of GemmPacking.AcrossWidth past a block's last panel.
        nint bSize = (nint)kcMax * ncMax + 16, aSize = (nint)RoundUp(mcMax, mr) * kcMax + 16, biasSize = ncMax, tileSize = mr * nr;
        float* work = GemmWorkspace.ForCurrentThread.Rent(bSize + aSize + biasSize + tileSize);
        float* packedB = work, packedA = packedB + bSize, paddedBias = packedA + aSize, tile = paddedBias + biasSize;

        if (k == 0) ScaleOnly(c, ldc, m, n, beta);
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            float* biasBlock = null;
            if (bias != null)
            {
                new ReadOnlySpan<float>(bias + jc, nc).CopyTo(new Span<float>(paddedBias, ncMax));
                new Span<float>(paddedBias + nc, RoundUp(nc, nr) - nc).Clear();
                biasBlock = paddedBias;
            }
            var epilogue = new GemmTileEpilogue(biasBlock, activation, parameter);
            if (k == 0)
            {
                ApplyEdgeAware<TKernel>(c + jc, ldc, m, nc, epilogue, tile);
                continue;
            }
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                var blockEpilogue = pc + kc == k ? epilogue : default;
                float betaBlock = pc == 0 ? beta : 1f;
                PackB(b, pc, kc, jc, nc, nr, THalf.Cols, packedB);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(a, ic, mc, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nv = Math.Min(nr, nc - jr);
                        float* bPanel = packedB + (nint)jr * kc, cStrip = c + (nint)ic * ldc + jc + jr;
                        if (nv <= THalf.Cols)
                            Strip<THalf>(kc, packedA, mc, bPanel, nv, cStrip, ldc, alpha, betaBlock, blockEpilogue, jr, tile);
                        else
                            Strip<TKernel>(kc, packedA, mc, bPanel, nv, cStrip, ldc, alpha, betaBlock, blockEpilogue, jr, tile);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One packed B panel against all A panels of the block: the B panel (kc × NR) stays in L1
    /// while the A panels stream from L2. Full tiles are written in place; ragged ones go via scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strip<TKernel>(int kc, float* packedA, int mc, float* bPanel, int nv, float* c, nint ldc,
        float alpha, float beta, GemmTileEpilogue epilogue, int column, float* tile)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.Rows, nr = TKernel.Cols;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int mv = Math.Min(mr, mc - ir);
            float* aPanel = packedA + (nint)ir * kc, cTile = c + ir * ldc;
            if (mv == mr && nv == nr)
            {
                TKernel.Run(kc, aPanel, bPanel, cTile, ldc, alpha, beta);
                if (!epilogue.IsNone) epilogue.Apply(cTile, ldc, mr, nr, column);
            }
            else
            {
                EdgeTile<TKernel>(kc, aPanel, bPanel, cTile, ldc, mv, nv, alpha, beta, epilogue, column, tile);
            }
        }
    }

    /// <summary>
    /// A tile cut by the matrix edge: run the same kernel on a full scratch tile (copying C in only
    /// when β ≠ 0), apply the epilogue there, and copy back the valid part.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile<TKernel>(int kc, float* aPanel, float* bPanel, float* c, nint ldc, int mv, int nv,
        float alpha, float beta, GemmTileEpilogue epilogue, int column, float* tile)
        where TKernel : struct, IGemmMicroKernel
    {
        int nr = TKernel.Cols;
        if (beta != 0f) CopyTile(c, ldc, tile, nr, mv, nv);
        TKernel.Run(kc, aPanel, bPanel, tile, nr, alpha, beta);
        if (!epilogue.IsNone) epilogue.Apply(tile, nr, TKernel.Rows, nr, column);
        CopyTile(tile, nr, c, ldc, mv, nv);
    }

    /// <summary>K = 0: the product is empty, so C = act(β·C + bias); β = 0 clears C without reading it.</summary>
    private static void ScaleOnly(float* c, int ldc, int m, int n, float beta)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>Runs the epilogue over an m × n block of C in tiles, going through scratch at ragged edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyEdgeAware<TKernel>(float* c, nint ldc, int m, int n, GemmTileEpilogue epilogue, float* tile)
        where TKernel : struct, IGemmMicroKernel
    {
        if (epilogue.IsNone) return;
        int mr = TKernel.Rows, nr = TKernel.Cols;
        for (int i = 0; i < m; i += mr)
            for (int j = 0; j < n; j += nr)
            {
                int mv = Math.Min(mr, m - i), nv = Math.Min(nr, n - j);
                float* cTile = c + i * ldc + j;
                CopyTile(cTile, ldc, tile, nr, mv, nv);
                epilogue.Apply(tile, nr, mv, nr, j);
                CopyTile(tile, nr, cTile, ldc, mv, nv);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTile(float* src, nint lds, float* dst, nint ldd, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(src + r * lds, cols).CopyTo(new Span<float>(dst + r * ldd, cols));
    }

    /// <summary>Packs op(A)[ic.., pc..] (mc × kc) into MR-row panels, each kc steps of MR floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(GemmOperand a, int ic, int mc, int pc, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr, dst += (nint)mr * kc)
        {
            int valid = Math.Min(mr, mc - ir), row = ic + ir;
            if (a.Transposed) GemmPacking.AlongWidth(a.Data + (nint)pc * a.Ld + row, a.Ld, mr, valid, kc, dst);
            else GemmPacking.AcrossWidth(a.Data + (nint)row * a.Ld + pc, a.Ld, mr, valid, kc, dst);
        }
    }

    /// <summary>
    /// Packs op(B)[pc.., jc..] (kc × nc) into NR-column panels, each kc steps of NR floats; a last
    /// panel of at most <paramref name="half"/> columns is packed half-width for the half kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(GemmOperand b, int pc, int kc, int jc, int nc, int nr, int half, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += (nint)nr * kc)
        {
            int valid = Math.Min(nr, nc - jr), col = jc + jr, width = valid <= half ? half : nr;
            if (b.Transposed) GemmPacking.AcrossWidth(b.Data + (nint)col * b.Ld + pc, b.Ld, width, valid, kc, dst);
            else GemmPacking.AlongWidth(b.Data + (nint)pc * b.Ld + col, b.Ld, width, valid, kc, dst);
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
