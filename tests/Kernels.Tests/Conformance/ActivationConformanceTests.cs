namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Every activation, forward and backward, against the reference.</summary>
public abstract class ActivationConformanceTests : BackendTestBase
{
    private static readonly Activation[] All = Enum.GetValues<Activation>();

    // Saturation, signed zeros and both sides of 0.5 (where a vector tanh may switch formulas).
    private static readonly float[] Specials = [0f, -0f, 1e-4f, -1e-4f, 0.49f, 0.51f, -0.5f, 20f, -20f, 100f, -100f];

    /// <summary>Random values in [−6, 6) with the special values spread over the first elements.</summary>
    private static float[] Inputs(int length, int seed)
    {
        var data = RandomData(length, seed, -6f, 6f);
        for (int i = 0; i < Math.Min(length, Specials.Length); i++) data[i * 7 % length] = Specials[i];
        return data;
    }

    [Fact]
    public void Forward_matches_reference()
    {
        foreach (var f in All)
            foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            {
                var (x, xr) = Pair(rows, cols, Inputs(rows * cols, 11));
                var y = Backend.Allocate(rows, cols);
                var yr = Reference.Allocate(rows, cols);
                Backend.ActivationForward(f, x, y, 0.1f);
                Reference.ActivationForward(f, xr, yr, 0.1f);
                AssertClose(yr, y, 1e-5f, 1e-6f, $"{f} forward {rows}×{cols}");

                Backend.ActivationForward(f, x, x, 0.1f); // y may alias x
                AssertClose(yr, x, 1e-5f, 1e-6f, $"{f} forward in place {rows}×{cols}");
            }
    }

    [Fact]
    public void Backward_matches_reference()
    {
        foreach (var f in All)
            foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            {
                string context = $"{f} backward {rows}×{cols}";
                var (x, xr) = Pair(rows, cols, Inputs(rows * cols, 12));
                var y = Backend.Allocate(rows, cols);
                var yr = Reference.Allocate(rows, cols);
                // Both backends get the reference's y, so only the backward is compared.
                Reference.ActivationForward(f, xr, yr, 0.1f);
                Backend.Upload(Host(yr), y);
                var (dy, dyr) = RandomPair(rows, cols, 13);
                var dx = Backend.Allocate(rows, cols);
                var dxr = Reference.Allocate(rows, cols);
                Backend.ActivationBackward(f, x, y, dy, dx, 0.1f);
                Reference.ActivationBackward(f, xr, yr, dyr, dxr, 0.1f);
                AssertClose(dxr, dx, 1e-5f, 2e-6f, context);

                Backend.ActivationBackward(f, x, y, dy, dy, 0.1f); // dx may alias dy
                AssertClose(dxr, dy, 1e-5f, 2e-6f, context + " in place");
            }
    }
}
