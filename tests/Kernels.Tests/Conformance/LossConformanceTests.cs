namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>MSE and span cross-entropy: returned loss, per-row loss and gradients against the reference.</summary>
public abstract class LossConformanceTests : BackendTestBase
{
    [Fact]
    public void Mse_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (bool weighted in new[] { false, true })
            {
                string context = $"MSE {rows}×{cols} {(weighted ? "weighted" : "unweighted")}";
                var (p, pr) = RandomPair(rows, cols, 31);
                var (t, tr) = RandomPair(rows, cols, 32);
                var (w, wr) = RandomPair(1, cols, 33, 0f, 2f);
                var dp = Backend.Allocate(rows, cols);
                var dpr = Reference.Allocate(rows, cols);
                var loss = Backend.Allocate(rows, 1);
                var lossr = Reference.Allocate(rows, 1);
                float value = Backend.MseLoss(p, t, dp, loss, weighted ? w : null, 0.25f);
                float expected = Reference.MseLoss(pr, tr, dpr, lossr, weighted ? wr : null, 0.25f);
                AssertClose([expected], [value], 1e-5f, 1e-7f, context + " loss");
                AssertClose(lossr, loss, 1e-5f, 1e-7f, context + " row loss");
                AssertClose(dpr, dp, 1e-5f, 1e-7f, context + " gradient");

                float withoutRowLoss = Backend.MseLoss(p, t, dp, null, weighted ? w : null, 0.25f);
                AssertClose([expected], [withoutRowLoss], 1e-5f, 1e-7f, context + " loss without rowLoss");
            }
    }

    [Fact]
    public void CrossEntropy_matches_reference_and_accumulates()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (var (layout, spans) in ConformanceShapes.SpanLayouts(cols))
            {
                string context = $"cross-entropy {rows}×{cols} {layout}";
                var (x, xr) = RandomPair(rows, cols, 34, -30f, 90f); // large logits: cancellation shows
                var (t, tr) = Pair(rows, cols, Targets(rows, cols, spans, 35));
                // Start from non-zero gradients and row losses: the op must add to them.
                var (d, dr) = RandomPair(rows, cols, 36);
                var (loss, lossr) = RandomPair(rows, 1, 37);
                float value = Backend.CrossEntropyLoss(x, t, spans, d, loss, 0.5f);
                float expected = Reference.CrossEntropyLoss(xr, tr, spans, dr, lossr, 0.5f);
                AssertClose([expected], [value], 1e-5f, 1e-5f, context + " loss");
                AssertClose(lossr, loss, 1e-5f, 1e-5f, context + " row loss");
                AssertClose(dr, d, 1e-5f, 1e-6f, context + " gradient");
            }
    }

    /// <summary>Per span: a one-hot vector in even rows, a random probability vector in odd rows.</summary>
    private static float[] Targets(int rows, int cols, ColumnSpans spans, int seed)
    {
        var rng = new System.Random(seed);
        var t = RandomData(rows * cols, seed + 1); // outside spans: arbitrary, must be ignored
        for (int i = 0; i < rows; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                int start = i * cols + spans.Starts[s], length = spans.Lengths[s];
                double total = 0;
                for (int j = 0; j < length; j++) total += t[start + j] = i % 2 == 0 ? 0f : (float)rng.NextDouble();
                if (i % 2 == 0) t[start + rng.Next(length)] = 1f;
                else for (int j = 0; j < length; j++) t[start + j] = (float)(t[start + j] / total);
            }
        return t;
    }
}
