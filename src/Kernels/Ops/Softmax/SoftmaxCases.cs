namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of Softmax and SoftmaxBackward (plain and log) over column spans: whole rows and
/// several spans with gaps on the awkward shapes, with and without aliasing, and the reference
/// network's Adult output layout.
/// </summary>
internal static class SoftmaxCases
{
    private static readonly CaseTolerance ForwardTolerance = new(1e-5f, 1e-6f);
    private static readonly CaseTolerance BackwardTolerance = new(1e-4f, 1e-5f);

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
            foreach (var (layout, spans) in CaseShapes.SpanLayouts(cols))
                foreach (bool log in new[] { false, true })
                    foreach (bool inPlace in new[] { false, true })
                    {
                        yield return Forward(rows, cols, layout, spans, log, inPlace, tier);
                        yield return Backward(rows, cols, layout, spans, log, inPlace, tier);
                    }
        foreach (int batch in CaseShapes.Batches)
            foreach (bool log in new[] { false, true })
            {
                var tier = CaseShapes.NetworkTier(batch);
                yield return Forward(batch, CaseShapes.Features, "adult-spans", CaseShapes.AdultSpans, log, false, tier);
                yield return Backward(batch, CaseShapes.Features, "adult-spans", CaseShapes.AdultSpans, log, false, tier);
            }
    }

    private static string Name(string layout, bool log, bool inPlace) => $"{(log ? "log " : "")}{layout}{(inPlace ? " in-place" : "")}";

    private static KernelCase Forward(int rows, int cols, string layout, ColumnSpans spans, bool log, bool inPlace, CaseTier tier)
        => new("softmax", "Softmax", CaseShapes.Text(rows, cols), Name(layout, log, inPlace), tier, ForwardTolerance, rows,
            n => new(5.0 * n * CaseShapes.Covered(spans), 8.0 * n * cols), (b, n) =>
            {
                // Large logits: an implementation that forgets to subtract the max overflows.
                var x = b.Random(n, cols, -30f, 90f);
                var y = inPlace ? x : b.Zeros(n, cols);
                return new CaseRun(() => b.Backend.Softmax(x, y, spans, log), new CaseOutput(inPlace ? "y=x" : "y", y));
            });

    private static KernelCase Backward(int rows, int cols, string layout, ColumnSpans spans, bool log, bool inPlace, CaseTier tier)
        => new("softmax", "SoftmaxBackward", CaseShapes.Text(rows, cols), Name(layout, log, inPlace), tier, BackwardTolerance, rows,
            n => new(4.0 * n * CaseShapes.Covered(spans), 12.0 * n * cols), (b, n) =>
            {
                var xs = b.Values(n * cols, -3f, 3f);
                // Every backend gets the reference's softmax output, so only the backward is compared.
                var ys = b.OnReference(r =>
                {
                    var y = r.Zeros(n, cols);
                    r.Backend.Softmax(r.Put(n, cols, xs), y, spans, log);
                    return y;
                });
                var (y, dy) = (b.Put(n, cols, ys), b.Random(n, cols));
                var dx = inPlace ? dy : b.Zeros(n, cols);
                return new CaseRun(() => b.Backend.SoftmaxBackward(y, dy, dx, spans, log), new CaseOutput(inPlace ? "dx=dy" : "dx", dx));
            });
}
