namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of the streaming ops: Copy, Fill, AddBias, BiasGradient, Axpy, Scale, Multiply,
/// CopyColumns. All are memory-bound: a few bytes per flop at most.
/// </summary>
internal static class ElementwiseCases
{
    private static readonly CaseTolerance Close = new(1e-6f, 1e-6f);

    /// <summary>
    /// A column sum over <paramref name="rows"/> values in [−1, 1]: float summation error grows with
    /// the number of terms (about ε·Σ|x|, ε ≈ 6e-8), so the tolerance does too, as GEMM's does with K.
    /// </summary>
    internal static CaseTolerance SumOver(int rows) => new(1e-5f, 1e-5f + 2.5e-7f * rows);

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
        {
            foreach (var row in Shape(rows, cols, 3.5f, tier)) yield return row;
            yield return MultiplyInPlace(rows, cols, tier);
            foreach (float beta in new[] { 0f, 1f, 0.5f }) yield return BiasGradient(rows, cols, beta, tier);
            int dstCols = cols + 5;
            foreach (var (src, dst, count) in new[] { (0, 0, cols), (cols / 2, 3, cols - cols / 2), (cols - 1, dstCols - 1, 1), (0, 2, 0) })
                yield return CopyColumns(rows, cols, dstCols, src, dst, count, tier);
        }
        foreach (int batch in CaseShapes.Batches)
        {
            var tier = CaseShapes.NetworkTier(batch);
            // α near 1 keeps repeated benchmark calls finite.
            foreach (var row in Shape(batch, CaseShapes.Hidden, 0.999f, tier)) yield return row;
            yield return AddBias(batch, CaseShapes.Features, tier);
            yield return BiasGradient(batch, CaseShapes.Features, 0f, tier);
            yield return BiasGradient(batch, CaseShapes.Hidden, 0f, tier);
            // The denoiser's input: the noisy row's 108 features next to a 16-wide level embedding.
            yield return CopyColumns(batch, CaseShapes.Features, CaseShapes.Features + 16, 0, 16, CaseShapes.Features, tier);
        }
    }

    private static IEnumerable<KernelCase> Shape(int rows, int cols, float scale, CaseTier tier)
    {
        yield return Row("Copy", rows, cols, "", tier, CaseTolerance.Bitwise, n => new(0, 8.0 * n * cols), (b, n) =>
        {
            var (x, y) = (b.Random(n, cols), b.Zeros(n, cols));
            return new CaseRun(() => b.Backend.Copy(x, y), new CaseOutput("y", y));
        });
        yield return Row("Fill", rows, cols, "0.5", tier, CaseTolerance.Bitwise, n => new(0, 4.0 * n * cols), (b, n) =>
        {
            var x = b.Random(n, cols);
            return new CaseRun(() => b.Backend.Fill(x, 0.5f), new CaseOutput("x", x));
        });
        yield return AddBias(rows, cols, tier);
        yield return Row("Axpy", rows, cols, "alpha=-0.75", tier, Close, n => new(2.0 * n * cols, 12.0 * n * cols), (b, n) =>
        {
            var (x, y) = (b.Random(n, cols), b.Random(n, cols));
            return new CaseRun(() => b.Backend.Axpy(-0.75f, x, y), new CaseOutput("y", y));
        });
        yield return Row("Scale", rows, cols, $"alpha={scale}", tier, Close, n => new(1.0 * n * cols, 8.0 * n * cols), (b, n) =>
        {
            var x = b.Random(n, cols);
            return new CaseRun(() => b.Backend.Scale(x, scale), new CaseOutput("x", x));
        });
        yield return Row("Multiply", rows, cols, "", tier, Close, n => new(1.0 * n * cols, 12.0 * n * cols), (b, n) =>
        {
            var (x, y, z) = (b.Random(n, cols), b.Random(n, cols), b.Zeros(n, cols));
            return new CaseRun(() => b.Backend.Multiply(x, y, z), new CaseOutput("z", z));
        });
    }

    private static KernelCase MultiplyInPlace(int rows, int cols, CaseTier tier)
        => Row("Multiply", rows, cols, "in-place", tier, Close, n => new(1.0 * n * cols, 12.0 * n * cols), (b, n) =>
        {
            var (x, y) = (b.Random(n, cols), b.Random(n, cols));
            return new CaseRun(() => b.Backend.Multiply(x, y, x), new CaseOutput("z=x", x));
        });

    private static KernelCase AddBias(int rows, int cols, CaseTier tier)
        => Row("AddBias", rows, cols, "", tier, Close, n => new(1.0 * n * cols, 8.0 * n * cols + 4.0 * cols), (b, n) =>
        {
            var (x, bias) = (b.Random(n, cols), b.Random(1, cols));
            return new CaseRun(() => b.Backend.AddBias(x, bias), new CaseOutput("x", x));
        });

    // β = 0 must ignore the old contents, NaNs included.
    private static KernelCase BiasGradient(int rows, int cols, float beta, CaseTier tier)
        => Row("BiasGradient", rows, cols, $"beta={beta}", tier, SumOver(rows), n => new(1.0 * n * cols, 4.0 * n * cols + (beta == 0f ? 4.0 : 8.0) * cols), (b, n) =>
        {
            var dy = b.Random(n, cols);
            var db = beta == 0f ? b.Filled(1, cols, float.NaN) : b.Random(1, cols);
            return new CaseRun(() => b.Backend.BiasGradient(dy, db, beta), new CaseOutput("dbias", db));
        });

    private static KernelCase CopyColumns(int rows, int cols, int dstCols, int src, int dst, int count, CaseTier tier)
        => new("elementwise", "CopyColumns", $"{rows}x{cols}->{rows}x{dstCols}", $"src[{src}+{count}]->dst[{dst}]", tier, CaseTolerance.Bitwise, rows,
            n => new(0, 8.0 * n * count), (b, n) =>
            {
                var (s, d) = (b.Random(n, cols), b.Random(n, dstCols));
                return new CaseRun(() => b.Backend.CopyColumns(s, src, d, dst, count), new CaseOutput("dst", d));
            });

    private static KernelCase Row(string op, int rows, int cols, string parameters, CaseTier tier, CaseTolerance tolerance,
        Func<int, CaseWork> work, Func<CaseBuilder, int, CaseRun> setup)
        => new("elementwise", op, CaseShapes.Text(rows, cols), parameters, tier, tolerance, rows, work, setup);
}
