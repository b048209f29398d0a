namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Power iteration: σ and the persistent u, v against the reference from the same start.</summary>
public abstract class PowerIterationConformanceTests : BackendTestBase
{
    [Fact]
    public void Matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (int iterations in new[] { 0, 1, 5 })
            {
                string context = $"PowerIteration {rows}×{cols} × {iterations} iterations";
                var (w, wr) = RandomPair(rows, cols, 81);
                var (u, ur) = Pair(1, rows, UnitVector(rows, 82));
                var (v, vr) = Pair(1, cols, UnitVector(cols, 83));
                float sigma = Backend.PowerIteration(w, u, v, iterations);
                float expected = Reference.PowerIteration(wr, ur, vr, iterations);
                AssertClose([expected], [sigma], 1e-4f, 1e-5f, context + " σ");
                AssertClose(ur, u, 1e-3f, 1e-4f, context + " u");
                AssertClose(vr, v, 1e-3f, 1e-4f, context + " v");
            }
    }

    [Fact]
    public void Zero_matrix_gives_zero_and_keeps_unit_vectors()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
        {
            var w = Backend.Allocate(rows, cols);
            var u = Make(Backend, 1, rows, UnitVector(rows, 84));
            var v = Make(Backend, 1, cols, UnitVector(cols, 85));
            float sigma = Backend.PowerIteration(w, u, v, 2);
            Assert.True(sigma == 0f, $"zero {rows}×{cols}: σ = {sigma}");
            foreach (var (name, t) in new[] { ("u", u), ("v", v) })
            {
                double norm = Math.Sqrt(Host(t).Sum(e => (double)e * e));
                Assert.True(Math.Abs(norm - 1) < 1e-5, $"zero {rows}×{cols}: ‖{name}‖ = {norm}, expected a unit vector");
            }
        }
    }

    private static float[] UnitVector(int length, int seed)
    {
        var x = RandomData(length, seed);
        double norm = Math.Sqrt(x.Sum(e => (double)e * e));
        return x.Select(e => (float)(e / norm)).ToArray();
    }
}
