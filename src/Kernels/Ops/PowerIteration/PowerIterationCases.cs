namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of PowerIteration (σ and the persistent u, v) from the same unit start vectors:
/// 0, 1 and 5 iterations on awkward shapes, the zero matrix (σ = 0, vectors reset to unit length), and
/// one step on each weight matrix of the reference network (spectral normalisation).
/// </summary>
internal static class PowerIterationCases
{
    private static readonly CaseTolerance Vectors = new(1e-3f, 1e-4f);
    private static readonly CaseTolerance Sigma = new(1e-4f, 1e-5f);

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        foreach (var (rows, cols, tier) in CaseShapes.Grid())
        {
            foreach (int iterations in new[] { 0, 1, 5 }) yield return Power(rows, cols, iterations, zero: false, tier);
            yield return Power(rows, cols, 2, zero: true, tier);
        }
        foreach (var (fanIn, fanOut) in CaseShapes.Layers) yield return Power(fanIn, fanOut, 1, zero: false, CaseTier.Network);
    }

    private static KernelCase Power(int rows, int cols, int iterations, bool zero, CaseTier tier)
        => new("power-iteration", "PowerIteration", CaseShapes.Text(rows, cols), $"iterations={iterations}{(zero ? " zero-matrix" : "")}", tier, Vectors, rows,
            // Wᵀu and Wv per iteration, each reading W once; σ = uᵀWv directly when there are none.
            _ => iterations == 0 ? new(2.0 * rows * cols, 4.0 * rows * cols) : new(4.0 * rows * cols * iterations, 8.0 * rows * cols * iterations), (b, _) =>
            {
                var w = zero ? b.Zeros(rows, cols) : b.Random(rows, cols);
                var (u, v) = (b.Put(1, rows, UnitVector(b, rows)), b.Put(1, cols, UnitVector(b, cols)));
                return new CaseRun(() => b.Backend.PowerIteration(w, u, v, iterations), new CaseOutput("u", u), new CaseOutput("v", v)) { ValueTolerance = Sigma };
            })
        { Splittable = false };

    private static float[] UnitVector(CaseBuilder b, int length)
    {
        var x = b.Values(length);
        double norm = Math.Sqrt(x.Sum(e => (double)e * e));
        return x.Select(e => (float)(e / norm)).ToArray();
    }
}
