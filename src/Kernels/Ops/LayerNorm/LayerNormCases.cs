namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of LayerNormForward (output and saved statistics) and LayerNormBackward (dx, dγ, dβ,
/// overwriting or accumulating), on the awkward shapes and the reference network's hidden layer.
/// </summary>
internal static class LayerNormCases
{
    private static readonly CaseTolerance Statistics = new(1e-4f, 1e-5f);
    private static readonly CaseTolerance Output = new(1e-4f, 1e-4f);

    // dγ and dβ are column sums over the batch: the statistics' tolerance widened by the summation
    // error, which grows with the rows (see ElementwiseCases.SumOver).
    private static CaseTolerance SumOverRows(int rows) => new(Statistics.Relative, ElementwiseCases.SumOver(rows).Absolute);

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
        {
            yield return Forward(rows, cols, tier);
            foreach (float accumulate in new[] { 0f, 1f }) yield return Backward(rows, cols, accumulate, tier);
        }
        foreach (int batch in CaseShapes.Batches)
        {
            yield return Forward(batch, CaseShapes.Hidden, CaseShapes.NetworkTier(batch));
            yield return Backward(batch, CaseShapes.Hidden, 0f, CaseShapes.NetworkTier(batch));
        }
    }

    private static KernelCase Forward(int rows, int cols, CaseTier tier)
        => new("layernorm", "LayerNormForward", CaseShapes.Text(rows, cols), "", tier, Output, rows,
            n => new(8.0 * n * cols, 8.0 * n * cols + 8.0 * cols + 8.0 * n), (b, n) =>
            {
                // An offset mean (≈ 5) with unit spread: E[x²] − E[x]² would lose digits here.
                var x = b.Random(n, cols, 4f, 6f);
                var (gamma, beta) = (b.Random(1, cols, 0.5f, 1.5f), b.Random(1, cols));
                var (y, mean, rstd) = (b.Zeros(n, cols), b.Zeros(n, 1), b.Zeros(n, 1));
                return new CaseRun(() => b.Backend.LayerNormForward(x, gamma, beta, y, mean, rstd),
                    new CaseOutput("mean", mean, new(1e-5f, 1e-6f)), new CaseOutput("rstd", rstd, Statistics), new CaseOutput("y", y));
            });

    private static KernelCase Backward(int rows, int cols, float accumulate, CaseTier tier)
        => new("layernorm", "LayerNormBackward", CaseShapes.Text(rows, cols), $"accumulate={accumulate}", tier, Statistics, rows,
            n => new(14.0 * n * cols, 12.0 * n * cols + (accumulate == 0f ? 12.0 : 20.0) * cols + 8.0 * n), (b, n) =>
            {
                var xs = b.Values(n * cols, -2f, 3f);
                var gs = b.Values(cols, 0.5f, 1.5f);
                // Every backend gets the reference's saved statistics, so only the backward is compared.
                float[] Statistic(int which) => b.OnReference(r =>
                {
                    var (mean, rstd) = (r.Zeros(n, 1), r.Zeros(n, 1));
                    r.Backend.LayerNormForward(r.Put(n, cols, xs), r.Put(1, cols, gs), r.Zeros(1, cols), r.Zeros(n, cols), mean, rstd);
                    return which == 0 ? mean : rstd;
                });
                var (x, gamma, mean, rstd) = (b.Put(n, cols, xs), b.Put(1, cols, gs), b.Put(n, 1, Statistic(0)), b.Put(n, 1, Statistic(1)));
                var (dy, dx) = (b.Random(n, cols), b.Zeros(n, cols));
                // accumulate = 0 must ignore the old contents, NaNs included.
                var dgamma = accumulate == 0f ? b.Filled(1, cols, float.NaN) : b.Random(1, cols);
                var dbeta = accumulate == 0f ? b.Filled(1, cols, float.NaN) : b.Random(1, cols);
                return new CaseRun(() => b.Backend.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, accumulate),
                    new CaseOutput("dx", dx), new CaseOutput("dgamma", dgamma, SumOverRows(n)), new CaseOutput("dbeta", dbeta, SumOverRows(n)));
            });
}
