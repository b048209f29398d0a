namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Per-row and per-example norms, clip factors and row scaling against the reference.</summary>
public abstract class PrivacyOpsConformanceTests : BackendTestBase
{
    private static readonly int[] GroupSizes = [1, 3];

    [Fact]
    public void RowSquaredNorms_matches_reference_and_accumulates()
    {
        foreach (var (rows, cols) in ConformanceShapes.Grid(Sizes))
            foreach (bool accumulate in new[] { false, true })
            {
                var (x, xr) = RandomPair(rows, cols, 51);
                var (n, nr) = RandomPair(rows, 1, 52, 0f, 5f);
                Backend.RowSquaredNorms(x, n, accumulate);
                Reference.RowSquaredNorms(xr, nr, accumulate);
                AssertClose(nr, n, 1e-5f, 1e-6f, $"RowSquaredNorms {rows}×{cols} accumulate={accumulate}");
            }
    }

    [Fact]
    public void GroupedSumSquaredNorms_matches_reference()
    {
        foreach (var (examples, cols) in ConformanceShapes.Grid(Sizes))
            foreach (int g in GroupSizes)
                foreach (bool accumulate in new[] { false, true })
                {
                    var (x, xr) = RandomPair(examples * g, cols, 53);
                    var (n, nr) = RandomPair(examples, 1, 54, 0f, 5f);
                    Backend.GroupedSumSquaredNorms(x, g, n, accumulate);
                    Reference.GroupedSumSquaredNorms(xr, g, nr, accumulate);
                    AssertClose(nr, n, 1e-5f, 1e-5f, $"GroupedSumSquaredNorms {examples}×{g} rows × {cols} accumulate={accumulate}");
                }
    }

    [Fact]
    public void LinearPerExampleSquaredNorms_matches_reference()
    {
        foreach (var (examples, inCols) in ConformanceShapes.Grid(Sizes))
            foreach (int g in GroupSizes)
                foreach (bool bias in new[] { false, true })
                {
                    int outCols = Sizes[(inCols + g) % Sizes.Count]; // vary out independently of in
                    string context = $"LinearPerExampleSquaredNorms {examples} examples × G={g}, in {inCols}, out {outCols}, bias={bias}";
                    var (a, ar) = RandomPair(examples * g, inCols, 55);
                    var (d, dr) = RandomPair(examples * g, outCols, 56);
                    var (n, nr) = RandomPair(examples, 1, 57, 0f, 5f);
                    Backend.LinearPerExampleSquaredNorms(a, d, g, bias, n, accumulate: false);
                    Reference.LinearPerExampleSquaredNorms(ar, dr, g, bias, nr, accumulate: false);
                    AssertClose(nr, n, 1e-4f, 1e-5f, context);

                    Backend.LinearPerExampleSquaredNorms(a, d, g, bias, n, accumulate: true);
                    Reference.LinearPerExampleSquaredNorms(ar, dr, g, bias, nr, accumulate: true);
                    AssertClose(nr, n, 1e-4f, 1e-5f, context + " accumulated");
                }
    }

    [Fact]
    public void ClipFactors_matches_reference_including_edge_cases()
    {
        foreach (int count in Sizes)
            foreach (float clip in new[] { 0.5f, 1f, float.PositiveInfinity })
            {
                var squared = RandomData(count, 58, 0f, 4f);
                squared[0] = 0f;                                  // zero norm → 1
                if (count > 2) squared[2] = clip * clip;         // exactly at the clip norm → 1
                if (count > 3) squared[3] = 1e30f;               // huge norm → tiny factor
                var (n, nr) = Pair(count, 1, squared);
                var (f, fr) = (Backend.Allocate(count, 1), Reference.Allocate(count, 1));
                Backend.ClipFactors(n, clip, f);
                Reference.ClipFactors(nr, clip, fr);
                AssertClose(fr, f, 1e-6f, 0f, $"ClipFactors {count} norms, C={clip}");
            }
    }

    [Fact]
    public void ScaleRows_matches_reference()
    {
        foreach (var (examples, cols) in ConformanceShapes.Grid(Sizes))
            foreach (int g in GroupSizes)
            {
                var (x, xr) = RandomPair(examples * g, cols, 59);
                var factors = RandomData(examples, 60, 0f, 1.5f);
                factors[0] = 1f; // the unclipped case may be skipped by a backend; it must still be exact
                var (f, fr) = Pair(examples, 1, factors);
                Backend.ScaleRows(x, f, g);
                Reference.ScaleRows(xr, fr, g);
                AssertClose(xr, x, 1e-6f, 0f, $"ScaleRows {examples}×{g} rows × {cols}");
            }
    }
}
