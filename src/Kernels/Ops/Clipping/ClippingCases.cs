namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of DP-SGD's clipping ops: RowSquaredNorms, GroupedSumSquaredNorms,
/// LinearPerExampleSquaredNorms (ghost norms, with groups of rows per example), ClipFactors and
/// ScaleRows, on the awkward shapes and the reference network's layers.
/// </summary>
internal static class ClippingCases
{
    private static readonly int[] GroupSizes = [1, 3];

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        var sizes = CaseShapes.Awkward;
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
        {
            foreach (bool accumulate in new[] { false, true }) yield return RowNorms(rows, cols, accumulate, tier);
            foreach (int g in GroupSizes)
            {
                foreach (bool accumulate in new[] { false, true }) yield return GroupedNorms(rows, g, cols, accumulate, tier);
                int outCols = sizes[(cols + g) % sizes.Length]; // vary out independently of in
                foreach (bool bias in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        yield return LinearNorms(rows, g, cols, outCols, bias, accumulate, tier == CaseTier.Tiny ? CaseShapes.TierOf(outCols) : tier);
                yield return ScaleRows(rows, g, cols, 0f, 1.5f, tier);
            }
        }
        foreach (int count in sizes)
            foreach (float clip in new[] { 0.5f, 1f, float.PositiveInfinity })
                yield return ClipFactors(count, clip, CaseShapes.TierOf(count));
        foreach (int batch in CaseShapes.Batches)
        {
            var tier = CaseShapes.NetworkTier(batch);
            yield return RowNorms(batch, CaseShapes.Hidden, false, tier);
            // TableDiffusion draws 3 noise levels per record, so an example's bias gradient sums 3 rows.
            yield return GroupedNorms(batch, 3, CaseShapes.Hidden, false, tier);
            foreach (var (fanIn, fanOut) in CaseShapes.Layers) yield return LinearNorms(batch, 1, fanIn, fanOut, true, false, tier);
            yield return ClipFactors(batch, 1f, tier);
            // Factors near 1 (few examples are clipped by much), which also keeps repeated benchmark calls finite.
            yield return ScaleRows(batch, 1, CaseShapes.Hidden, 0.999f, 1.001f, tier);
        }
    }

    private static KernelCase RowNorms(int rows, int cols, bool accumulate, CaseTier tier)
        => new("clipping", "RowSquaredNorms", CaseShapes.Text(rows, cols), accumulate ? "accumulate" : "", tier, new(1e-5f, 1e-6f), rows,
            n => new(2.0 * n * cols, 4.0 * n * cols + (accumulate ? 8.0 : 4.0) * n), (b, n) =>
            {
                var (x, norms) = (b.Random(n, cols), b.Random(n, 1, 0f, 5f));
                return new CaseRun(() => b.Backend.RowSquaredNorms(x, norms, accumulate), new CaseOutput("norms", norms));
            });

    private static KernelCase GroupedNorms(int examples, int g, int cols, bool accumulate, CaseTier tier)
        => new("clipping", "GroupedSumSquaredNorms", CaseShapes.Text(examples * g, cols), $"G={g}{(accumulate ? " accumulate" : "")}", tier,
            new(1e-5f, 1e-5f), examples, n => new(1.0 * n * g * cols + 2.0 * n * cols, 4.0 * n * g * cols + (accumulate ? 8.0 : 4.0) * n), (b, n) =>
            {
                var (x, norms) = (b.Random(n * g, cols), b.Random(n, 1, 0f, 5f));
                return new CaseRun(() => b.Backend.GroupedSumSquaredNorms(x, g, norms, accumulate), new CaseOutput("norms", norms));
            });

    private static KernelCase LinearNorms(int examples, int g, int inCols, int outCols, bool bias, bool accumulate, CaseTier tier)
        => new("clipping", "LinearPerExampleSquaredNorms", $"{examples * g}x{inCols}.{examples * g}x{outCols}",
            $"G={g}{(bias ? " +bias" : "")}{(accumulate ? " accumulate" : "")}", tier, new(1e-4f, 1e-5f), examples,
            // G = 1 factorises into two squared norms; larger groups take Gram matrices, G(G+1)/2 dot pairs per example.
            n => new((g == 1 ? 2.0 : g * (g + 1.0)) * n * (inCols + outCols), 4.0 * n * g * (inCols + outCols) + (accumulate ? 8.0 : 4.0) * n), (b, n) =>
            {
                var (a, delta, norms) = (b.Random(n * g, inCols), b.Random(n * g, outCols), b.Random(n, 1, 0f, 5f));
                return new CaseRun(() => b.Backend.LinearPerExampleSquaredNorms(a, delta, g, bias, norms, accumulate), new CaseOutput("norms", norms));
            });

    private static KernelCase ClipFactors(int count, float clip, CaseTier tier)
        => new("clipping", "ClipFactors", CaseShapes.Text(count, 1), $"C={clip}", tier, new(1e-6f, 0f), count,
            n => new(3.0 * n, 8.0 * n), (b, n) =>
            {
                var squared = b.Values(n, 0f, 4f);
                squared[0] = 0f;                          // zero norm → 1
                if (n > 2) squared[2] = clip * clip;      // exactly at the clip norm → 1
                if (n > 3) squared[3] = 1e30f;            // huge norm → tiny factor
                var (norms, factors) = (b.Put(n, 1, squared), b.Zeros(n, 1));
                return new CaseRun(() => b.Backend.ClipFactors(norms, clip, factors), new CaseOutput("factors", factors));
            });

    private static KernelCase ScaleRows(int examples, int g, int cols, float lo, float hi, CaseTier tier)
        => new("clipping", "ScaleRows", CaseShapes.Text(examples * g, cols), $"G={g} factors in [{lo}, {hi})", tier, new(1e-6f, 0f), examples,
            n => new(1.0 * n * g * cols, 8.0 * n * g * cols + 4.0 * n), (b, n) =>
            {
                var x = b.Random(n * g, cols);
                var factors = b.Values(n, lo, hi);
                factors[0] = 1f; // the unclipped case may be skipped by a backend; it must still be exact
                var f = b.Put(n, 1, factors);
                return new CaseRun(() => b.Backend.ScaleRows(x, f, g), new CaseOutput("x", x));
            });
}
