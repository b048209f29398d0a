namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Softmax and log-softmax over column spans, forward and backward, against the reference.</summary>
public abstract class SoftmaxConformanceTests : BackendTestBase
{
    [Fact]
    public void Forward_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (var (layout, spans) in ConformanceShapes.SpanLayouts(cols))
                foreach (bool log in new[] { false, true })
                {
                    string context = $"{(log ? "log-softmax" : "softmax")} {rows}×{cols} {layout}";
                    // Large logits: an implementation that forgets to subtract the max overflows.
                    var (x, xr) = RandomPair(rows, cols, 21, -30f, 90f);
                    var y = Backend.Allocate(rows, cols);
                    var yr = Reference.Allocate(rows, cols);
                    Backend.Softmax(x, y, spans, log);
                    Reference.Softmax(xr, yr, spans, log);
                    AssertClose(yr, y, 1e-5f, 1e-6f, context);

                    Backend.Softmax(x, x, spans, log); // y may alias x
                    AssertClose(yr, x, 1e-5f, 1e-6f, context + " in place");
                }
    }

    [Fact]
    public void Backward_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (var (layout, spans) in ConformanceShapes.SpanLayouts(cols))
                foreach (bool log in new[] { false, true })
                {
                    string context = $"{(log ? "log-softmax" : "softmax")} backward {rows}×{cols} {layout}";
                    var (x, xr) = RandomPair(rows, cols, 22, -3f, 3f);
                    var y = Backend.Allocate(rows, cols);
                    var yr = Reference.Allocate(rows, cols);
                    Reference.Softmax(xr, yr, spans, log);
                    Backend.Upload(Host(yr), y);
                    var (dy, dyr) = RandomPair(rows, cols, 23);
                    var dx = Backend.Allocate(rows, cols);
                    var dxr = Reference.Allocate(rows, cols);
                    Backend.SoftmaxBackward(y, dy, dx, spans, log);
                    Reference.SoftmaxBackward(yr, dyr, dxr, spans, log);
                    AssertClose(dxr, dx, 1e-4f, 1e-5f, context);

                    Backend.SoftmaxBackward(y, dy, dy, spans, log); // dx may alias dy
                    AssertClose(dxr, dy, 1e-4f, 1e-5f, context + " in place");
                }
    }
}
