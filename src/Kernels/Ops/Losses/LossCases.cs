namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of MseLoss (weighted or not, with or without per-row losses) and CrossEntropyLoss
/// over span layouts (which accumulates into its gradient and row losses), and the reference
/// network's output layer.
/// </summary>
internal static class LossCases
{
    private static readonly CaseTolerance MseTolerance = new(1e-5f, 1e-7f);
    private static readonly CaseTolerance GradientTolerance = new(1e-5f, 1e-6f);
    private static readonly CaseTolerance LossTolerance = new(1e-5f, 1e-5f);

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
        {
            foreach (bool weighted in new[] { false, true })
                foreach (bool rowLoss in new[] { true, false })
                    yield return Mse(rows, cols, weighted, rowLoss, tier);
            foreach (var (layout, spans) in CaseShapes.SpanLayouts(cols))
                yield return CrossEntropy(rows, cols, layout, spans, tier);
        }
        foreach (int batch in CaseShapes.Batches)
        {
            yield return Mse(batch, CaseShapes.Features, weighted: true, rowLoss: true, CaseShapes.NetworkTier(batch));
            yield return CrossEntropy(batch, CaseShapes.Features, "adult-spans", CaseShapes.AdultSpans, CaseShapes.NetworkTier(batch));
        }
    }

    private static KernelCase Mse(int rows, int cols, bool weighted, bool rowLoss, CaseTier tier)
        => new("loss", "MseLoss", CaseShapes.Text(rows, cols), $"{(weighted ? "weighted" : "unweighted")}{(rowLoss ? " +rowLoss" : "")}",
            tier, MseTolerance, rows, n => new(6.0 * n * cols, 12.0 * n * cols + (rowLoss ? 4.0 * n : 0) + (weighted ? 4.0 * cols : 0)), (b, n) =>
            {
                var (p, t, w) = (b.Random(n, cols), b.Random(n, cols), b.Random(1, cols, 0f, 2f));
                var (dp, loss) = (b.Zeros(n, cols), b.Zeros(n, 1));
                var outputs = rowLoss ? new[] { new CaseOutput("dPrediction", dp), new CaseOutput("rowLoss", loss) } : [new CaseOutput("dPrediction", dp)];
                return new CaseRun(() => b.Backend.MseLoss(p, t, dp, rowLoss ? loss : null, weighted ? w : null, 0.25f), outputs);
            });

    private static KernelCase CrossEntropy(int rows, int cols, string layout, ColumnSpans spans, CaseTier tier)
        => new("loss", "CrossEntropyLoss", CaseShapes.Text(rows, cols), layout + " +rowLoss", tier, GradientTolerance, rows,
            n => new(8.0 * n * CaseShapes.Covered(spans), 16.0 * n * cols + 8.0 * n), (b, n) =>
            {
                var x = b.Random(n, cols, -30f, 90f); // large logits: cancellation shows
                var t = b.Put(n, cols, Targets(b, n, cols, spans));
                // Start from non-zero gradients and row losses: the op must add to them.
                var (d, loss) = (b.Random(n, cols), b.Random(n, 1));
                return new CaseRun(() => b.Backend.CrossEntropyLoss(x, t, spans, d, loss, 0.5f),
                    new CaseOutput("dLogits", d), new CaseOutput("rowLoss", loss, LossTolerance)) { ValueTolerance = LossTolerance };
            });

    /// <summary>Per span: a one-hot vector in even rows, a random probability vector in odd rows; arbitrary values outside spans.</summary>
    private static float[] Targets(CaseBuilder b, int rows, int cols, ColumnSpans spans)
    {
        var t = b.Values(rows * cols);
        var weights = b.Values(rows * cols, 0f, 1f);
        for (int i = 0; i < rows; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                int start = i * cols + spans.Starts[s], length = spans.Lengths[s];
                if (i % 2 == 0)
                {
                    for (int j = 0; j < length; j++) t[start + j] = 0f;
                    t[start + b.Next(length)] = 1f;
                    continue;
                }
                double total = 0;
                for (int j = 0; j < length; j++) total += weights[start + j];
                for (int j = 0; j < length; j++) t[start + j] = (float)(weights[start + j] / total);
            }
        return t;
    }
}
