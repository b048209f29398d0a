using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Training;

namespace DpSynth.Models.Tests.Generators.Dpvi;

/// <summary>DPVI's hand-written gradients against central finite differences in double, clipping against single examples, and the ALR-Dirichlet density.</summary>
public class DpviGradientTests
{
    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    public void PerExampleGradientsMatchCentralDifferences(bool logistic, int components)
    {
        var (objective, w) = DpviTestData.RandomObjective(logistic, components, seed: 7);
        var analytic = new double[w.Length];
        const double h = 1e-5;
        foreach (int record in new[] { 0, 5, 13 })
        {
            objective.SetParameters(w);
            objective.ExampleGradient(record, analytic);
            for (int j = 0; j < w.Length; j++)
            {
                double saved = w[j];
                w[j] = saved + h;
                objective.SetParameters(w);
                double up = objective.ExampleGradient(record, new double[w.Length]);
                w[j] = saved - h;
                objective.SetParameters(w);
                double down = objective.ExampleGradient(record, new double[w.Length]);
                w[j] = saved;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-6 + 1e-5 * Math.Abs(numeric),
                    $"record {record}, parameter {j}: analytic {analytic[j]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void DataIndependentGradientMatchesCentralDifferences()
    {
        var (objective, w) = DpviTestData.RandomObjective(logistic: false, components: 3, seed: 3);
        objective.SetParameters(w);
        var analytic = new double[w.Length];
        objective.AddDataIndependentGradient(w, analytic);
        const double h = 1e-5;
        for (int j = 0; j < w.Length; j++)
        {
            double saved = w[j];
            w[j] = saved + h;
            objective.SetParameters(w);
            double up = objective.DataIndependentObjective();
            w[j] = saved - h;
            objective.SetParameters(w);
            double down = objective.DataIndependentObjective();
            w[j] = saved;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[j]) <= 1e-7 + 1e-5 * Math.Abs(numeric), $"parameter {j}: analytic {analytic[j]}, numeric {numeric}");
        }
    }

    [Fact]
    public void ClippedSumEqualsTheSumOfSingleExampleMicrobatches()
    {
        var (objective, w) = DpviTestData.RandomObjective(logistic: false, components: 4, seed: 11);
        int[] batch = [0, 2, 3, 7, 8, 15, 19];
        var scratch = new double[w.Length];
        foreach (double clip in new[] { 0.05, 0.5, 1e9 })
        {
            var sum = new double[w.Length];
            double loss = PerExampleDpSgdTrainer.AccumulateClipped(objective, batch, clip, sum, scratch);
            var expected = new double[w.Length];
            double expectedLoss = 0;
            foreach (int i in batch)
            {
                var single = new double[w.Length];
                expectedLoss += PerExampleDpSgdTrainer.AccumulateClipped(objective, [i], clip, single, scratch);
                // The microbatch's clipped gradient, recomputed by hand.
                var g = new double[w.Length];
                objective.ExampleGradient(i, g);
                double norm = Math.Sqrt(g.Sum(x => x * x));
                double factor = Math.Min(1, clip / norm);
                double singleNorm = Math.Sqrt(single.Sum(x => x * x));
                Assert.True(singleNorm <= clip * (1 + 1e-12));
                for (int j = 0; j < g.Length; j++)
                {
                    Assert.Equal(factor * g[j], single[j], 12);
                    expected[j] += single[j];
                }
            }
            Assert.Equal(expectedLoss, loss, 10);
            for (int j = 0; j < w.Length; j++) Assert.Equal(expected[j], sum[j], 10);
        }
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void AlrDirichletDensityIntegratesToOneForTwoAndThreeCategories(double alpha)
    {
        // K = 2: one free logit.
        double total = 0, step = 0.01;
        for (double a = -60; a <= 60; a += step) total += Math.Exp(DpviMath.AlrDirichletLogDensity([a], alpha)) * step;
        Assert.Equal(1, total, 3);
        // K = 3: two free logits on a grid.
        total = 0;
        step = 0.06;
        for (double a = -30; a <= 30; a += step)
            for (double b = -30; b <= 30; b += step)
                total += Math.Exp(DpviMath.AlrDirichletLogDensity([a, b], alpha)) * step * step;
        Assert.Equal(1, total, 2);
    }

    [Fact]
    public void AlrDirichletDensityIsTheDirichletTimesTheJacobian()
    {
        // Dir(π; α) · |det ∂π_{1..K−1}/∂a| computed independently: the Jacobian by central differences.
        var random = new Random(5);
        const int k = 4;
        foreach (double alpha in new[] { 0.5, 1.0, 3.0 })
        {
            var a = Enumerable.Range(0, k - 1).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            var pi = new double[k];
            DpviMath.Softmax(a, pi);
            double logDirichlet = DpviMath.LogGamma(k * alpha) - k * DpviMath.LogGamma(alpha) + pi.Sum(p => (alpha - 1) * Math.Log(p));
            var jacobian = new double[k - 1, k - 1];
            const double h = 1e-6;
            for (int l = 0; l < k - 1; l++)
            {
                var up = (double[])a.Clone();
                var down = (double[])a.Clone();
                up[l] += h;
                down[l] -= h;
                var pu = new double[k];
                var pd = new double[k];
                DpviMath.Softmax(up, pu);
                DpviMath.Softmax(down, pd);
                for (int r = 0; r < k - 1; r++) jacobian[r, l] = (pu[r] - pd[r]) / (2 * h);
            }
            double expected = logDirichlet + Math.Log(Math.Abs(Determinant3(jacobian)));
            Assert.Equal(expected, DpviMath.AlrDirichletLogDensity(a, alpha), 6);
        }
    }

    private static double Determinant3(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
        - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
        + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);

    [Fact]
    public void LogGammaMatchesKnownValues()
    {
        Assert.Equal(0, DpviMath.LogGamma(1), 12);
        Assert.Equal(0, DpviMath.LogGamma(2), 12);
        Assert.Equal(Math.Log(24), DpviMath.LogGamma(5), 12);
        Assert.Equal(0.5 * Math.Log(Math.PI), DpviMath.LogGamma(0.5), 12);
        Assert.Equal(Math.Log(120), DpviMath.LogFactorial(5), 12);
    }
}
