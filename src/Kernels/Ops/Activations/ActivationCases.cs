namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of ActivationForward and ActivationBackward: every activation on every awkward
/// shape, with and without the allowed aliasing, and the reference network's hidden layer.
/// </summary>
internal static class ActivationCases
{
    private const float Slope = 0.1f;
    private static readonly CaseTolerance ForwardTolerance = new(1e-5f, 1e-6f);
    private static readonly CaseTolerance BackwardTolerance = new(1e-5f, 2e-6f);

    // Saturation, signed zeros and both sides of 0.5 (where a vector tanh may switch formulas).
    private static readonly float[] Specials = [0f, -0f, 1e-4f, -1e-4f, 0.49f, 0.51f, -0.5f, 20f, -20f, 100f, -100f];

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var f in Enum.GetValues<Activation>())
            foreach (var (rows, cols, tier) in CaseShapes.Grid())
                foreach (bool inPlace in new[] { false, true })
                {
                    yield return Forward(f, rows, cols, inPlace, tier);
                    yield return Backward(f, rows, cols, inPlace, tier);
                }
        foreach (int batch in CaseShapes.Batches)
            foreach (var f in Enum.GetValues<Activation>().Where(f => f != Activation.None))
            {
                yield return Forward(f, batch, CaseShapes.Hidden, false, CaseShapes.NetworkTier(batch));
                yield return Backward(f, batch, CaseShapes.Hidden, false, CaseShapes.NetworkTier(batch));
            }
    }

    private static KernelCase Forward(Activation f, int rows, int cols, bool inPlace, CaseTier tier)
        => new("activation", "ActivationForward", CaseShapes.Text(rows, cols), Name(f, inPlace), tier, ForwardTolerance, rows,
            n => new(ForwardFlops(f) * n * cols, 8.0 * n * cols), (b, n) =>
            {
                var x = b.Put(n, cols, Inputs(b, n * cols));
                var y = inPlace ? x : b.Zeros(n, cols);
                return new CaseRun(() => b.Backend.ActivationForward(f, x, y, Slope), new CaseOutput(inPlace ? "y=x" : "y", y));
            });

    private static KernelCase Backward(Activation f, int rows, int cols, bool inPlace, CaseTier tier)
        => new("activation", "ActivationBackward", CaseShapes.Text(rows, cols), Name(f, inPlace), tier, BackwardTolerance, rows,
            n => new(BackwardFlops(f) * n * cols, 16.0 * n * cols), (b, n) =>
            {
                var xs = Inputs(b, n * cols);
                // Every backend gets the reference's y = f(x), so only the backward is compared.
                var ys = b.OnReference(r =>
                {
                    var y = r.Zeros(n, cols);
                    r.Backend.ActivationForward(f, r.Put(n, cols, xs), y, Slope);
                    return y;
                });
                var (x, y, dy) = (b.Put(n, cols, xs), b.Put(n, cols, ys), b.Random(n, cols));
                var dx = inPlace ? dy : b.Zeros(n, cols);
                return new CaseRun(() => b.Backend.ActivationBackward(f, x, y, dy, dx, Slope), new CaseOutput(inPlace ? "dx=dy" : "dx", dx));
            });

    /// <summary>Uniform values in [−6, 6) with the special values spread over the first elements.</summary>
    private static float[] Inputs(CaseBuilder b, int length)
    {
        var data = b.Values(length, -6f, 6f);
        for (int i = 0; i < Math.Min(length, Specials.Length); i++) data[i * 7 % length] = Specials[i];
        return data;
    }

    private static string Name(Activation f, bool inPlace) => f.ToString().ToLowerInvariant() + (inPlace ? " in-place" : "");

    // Nominal FLOPs per element (an exp, tanh or division counts as one).
    private static double ForwardFlops(Activation f) => f switch
    {
        Activation.None => 0, Activation.ReLU => 1, Activation.LeakyReLU => 2, Activation.SiLU => 4,
        Activation.Gelu => 9, Activation.Tanh => 1, _ => 3,
    };

    private static double BackwardFlops(Activation f) => f switch
    {
        Activation.None => 1, Activation.ReLU => 2, Activation.LeakyReLU => 2, Activation.SiLU => 7,
        Activation.Gelu => 16, Activation.Tanh => 3, _ => 3,
    };
}
