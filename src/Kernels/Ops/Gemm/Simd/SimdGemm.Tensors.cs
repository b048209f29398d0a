namespace DpSynth.Kernels.Simd.Gemm;

internal static unsafe partial class SimdGemm
{
    /// <summary>Work below which a second thread costs more than it saves (a dispatch is 10–20 µs).</summary>
    private const double ParallelMinFlops = 4e6;

    /// <summary>
    /// Validated single-threaded GEMM on host tensors; <see cref="SimdBackend.Gemm"/> lands here.
    /// </summary>
    public static void Run(IComputeBackend owner, Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c,
        float alpha, float beta, GemmEpilogue epilogue, GemmKernelWidth width = GemmKernelWidth.Auto)
    {
        var (m, n, k) = GemmShapeCheck.Validate(owner, a, transposeA, b, transposeB, c, epilogue);
        Run(Operand(a, transposeA), Operand(b, transposeB), HostStorage.PointerOf(c), c.Cols, m, n, k,
            alpha, beta, BiasPointer(epilogue), epilogue.Activation, epilogue.ActivationParameter, width);
    }

    /// <summary>
    /// The same GEMM split over up to <paramref name="workers"/> threads by rows of C with
    /// <see cref="RowPartition"/>: each worker takes whole MR-row panels (rows of A, or columns of a
    /// stored transposed A) and packs its own copy of B in its own workspace. Every element is
    /// computed exactly as in the single-threaded call, so the result is bit-identical.
    /// </summary>
    public static void Parallel(IComputeBackend owner, Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c,
        float alpha = 1f, float beta = 0f, GemmEpilogue epilogue = default, int workers = 0)
    {
        var (m, n, k) = GemmShapeCheck.Validate(owner, a, transposeA, b, transposeB, c, epilogue);
        var opA = Operand(a, transposeA);
        var opB = Operand(b, transposeB);
        float* cData = HostStorage.PointerOf(c);
        float* bias = BiasPointer(epilogue);
        int panelRows = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? MicroKernel12x32.Rows : MicroKernel6x16.Rows;
        int panels = (m + panelRows - 1) / panelRows;
        int ldc = c.Cols;
        RowPartition.For(panels, 2.0 * panelRows * n * k, ParallelMinFlops, (_, start, count) =>
        {
            int row = start * panelRows, rows = Math.Min(count * panelRows, m - row);
            // Rows of op(A) are rows of A, or columns of A when it is stored transposed.
            Run(opA.SkipOpRows(row), opB, cData + (nint)row * ldc, ldc, rows, n, k, alpha, beta, bias,
                epilogue.Activation, epilogue.ActivationParameter);
        }, workers);
    }

    private static GemmOperand Operand(Tensor t, bool transposed) => new(HostStorage.PointerOf(t), t.Cols, transposed);

    private static float* BiasPointer(GemmEpilogue epilogue) => epilogue.Bias is { } bias ? HostStorage.PointerOf(bias) : null;
}
