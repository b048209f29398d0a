namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>LayerNorm forward (output and saved statistics) and backward (dx, dγ, dβ) against the reference.</summary>
public abstract class LayerNormConformanceTests : BackendTestBase
{
    [Fact]
    public void Forward_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
        {
            string context = $"LayerNorm {rows}×{cols}";
            // An offset mean (≈ 5) with unit spread: E[x²] − E[x]² would lose digits here.
            var (x, xr) = RandomPair(rows, cols, 41, 4f, 6f);
            var (g, gr) = RandomPair(1, cols, 42, 0.5f, 1.5f);
            var (b, br) = RandomPair(1, cols, 43);
            var (y, yr) = (Backend.Allocate(rows, cols), Reference.Allocate(rows, cols));
            var (mean, meanr) = (Backend.Allocate(rows, 1), Reference.Allocate(rows, 1));
            var (rstd, rstdr) = (Backend.Allocate(rows, 1), Reference.Allocate(rows, 1));
            Backend.LayerNormForward(x, g, b, y, mean, rstd);
            Reference.LayerNormForward(xr, gr, br, yr, meanr, rstdr);
            AssertClose(meanr, mean, 1e-5f, 1e-6f, context + " mean");
            AssertClose(rstdr, rstd, 1e-4f, 1e-5f, context + " rstd");
            AssertClose(yr, y, 1e-4f, 1e-4f, context + " y");
        }
    }

    [Fact]
    public void Backward_matches_reference()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (float accumulate in new[] { 0f, 1f })
            {
                string context = $"LayerNorm backward {rows}×{cols} accumulate={accumulate}";
                var (x, xr) = RandomPair(rows, cols, 44, -2f, 3f);
                var (g, gr) = RandomPair(1, cols, 45, 0.5f, 1.5f);
                var (b, br) = RandomPair(1, cols, 46);
                var y = Reference.Allocate(rows, cols);
                var (mean, meanr) = (Backend.Allocate(rows, 1), Reference.Allocate(rows, 1));
                var (rstd, rstdr) = (Backend.Allocate(rows, 1), Reference.Allocate(rows, 1));
                // Both backends get the reference's saved statistics, so only the backward is compared.
                Reference.LayerNormForward(xr, gr, br, y, meanr, rstdr);
                Backend.Upload(Host(meanr), mean);
                Backend.Upload(Host(rstdr), rstd);
                var (dy, dyr) = RandomPair(rows, cols, 47);
                var (dx, dxr) = (Backend.Allocate(rows, cols), Reference.Allocate(rows, cols));
                var old = accumulate == 0f ? Enumerable.Repeat(float.NaN, cols).ToArray() : RandomData(cols, 48);
                var (dg, dgr) = Pair(1, cols, old);
                var (db, dbr) = Pair(1, cols, old);
                Backend.LayerNormBackward(dy, x, g, mean, rstd, dx, dg, db, accumulate);
                Reference.LayerNormBackward(dyr, xr, gr, meanr, rstdr, dxr, dgr, dbr, accumulate);
                AssertClose(dxr, dx, 1e-4f, 1e-5f, context + " dx");
                AssertClose(dgr, dg, 1e-4f, 1e-5f, context + " dgamma");
                AssertClose(dbr, db, 1e-4f, 1e-5f, context + " dbeta");
            }
    }
}
