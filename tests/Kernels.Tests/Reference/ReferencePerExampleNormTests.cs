namespace DpSynth.Kernels.Tests.Reference;

/// <summary>
/// The ghost-norm ops against per-example gradients built explicitly: example e's weight gradient
/// is Σ_t δ_t·a_tᵀ over its G rows (and its bias gradient Σ_t δ_t), i.e. what a loop over
/// batch-size-1 microbatches would produce.
/// </summary>
public sealed class ReferencePerExampleNormTests : ReferenceFixture
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Linear_norms_equal_norms_of_materialised_per_example_gradients(int groupSize)
    {
        const int examples = 5, inCols = 7, outCols = 4;
        int rows = examples * groupSize;
        var a = Random(rows * inCols, 1);
        var delta = Random(rows * outCols, 2);
        foreach (bool bias in new[] { false, true })
        {
            var norms = Ref.Allocate(examples, 1);
            Ref.LinearPerExampleSquaredNorms(Make(rows, inCols, a), Make(rows, outCols, delta), groupSize, bias, norms);
            var got = Host(norms);
            for (int e = 0; e < examples; e++)
            {
                var weightGradient = new double[outCols, inCols];
                var biasGradient = new double[outCols];
                for (int t = 0; t < groupSize; t++)
                {
                    int r = e * groupSize + t;
                    for (int o = 0; o < outCols; o++)
                    {
                        biasGradient[o] += delta[r * outCols + o];
                        for (int i = 0; i < inCols; i++) weightGradient[o, i] += (double)delta[r * outCols + o] * a[r * inCols + i];
                    }
                }
                double expected = weightGradient.Cast<double>().Sum(v => v * v) + (bias ? biasGradient.Sum(v => v * v) : 0);
                Near(expected, got[e], 1e-6, 1e-7, $"G={groupSize} bias={bias} example {e}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Grouped_sum_norms_equal_norms_of_summed_rows(int groupSize)
    {
        const int examples = 4, cols = 9;
        var x = Random(examples * groupSize * cols, 3);
        var norms = Ref.Allocate(examples, 1);
        Ref.GroupedSumSquaredNorms(Make(examples * groupSize, cols, x), groupSize, norms);
        for (int e = 0; e < examples; e++)
        {
            double expected = 0;
            for (int j = 0; j < cols; j++)
            {
                double sum = Enumerable.Range(0, groupSize).Sum(t => (double)x[(e * groupSize + t) * cols + j]);
                expected += sum * sum;
            }
            Near(expected, Host(norms)[e], 1e-6, 1e-7, $"G={groupSize} example {e}");
        }
    }

    [Fact]
    public void Clip_factors_edge_cases()
    {
        // squared norms: 0, 4 (norm 2), 0.25 (norm 0.5), 1 (exactly C), +∞
        var squared = Make(5, 1, [0f, 4f, 0.25f, 1f, float.PositiveInfinity]);
        var factors = Ref.Allocate(5, 1);
        Ref.ClipFactors(squared, 1f, factors);
        Assert.Equal([1f, 0.5f, 1f, 1f, 0f], Host(factors));

        Ref.ClipFactors(squared, float.PositiveInfinity, factors);
        Assert.Equal([1f, 1f, 1f, 1f, 1f], Host(factors));

        Assert.ThrowsAny<ArgumentException>(() => Ref.ClipFactors(squared, 0f, factors));
        Assert.ThrowsAny<ArgumentException>(() => Ref.ClipFactors(squared, -1f, factors));
        Assert.ThrowsAny<ArgumentException>(() => Ref.ClipFactors(squared, float.NaN, factors));
    }

    [Fact]
    public void Clipped_rows_have_at_most_the_clip_norm()
    {
        const int rows = 6, cols = 5;
        var x = Make(rows, cols, Random(rows * cols, 4, -2f, 2f));
        var (norms, factors) = (Ref.Allocate(rows, 1), Ref.Allocate(rows, 1));
        Ref.RowSquaredNorms(x, norms);
        Ref.ClipFactors(norms, 1f, factors);
        Ref.ScaleRows(x, factors);
        Ref.RowSquaredNorms(x, norms);
        foreach (float n in Host(norms)) Assert.True(n <= 1f + 1e-6f, $"clipped squared norm {n} exceeds 1");
    }
}
