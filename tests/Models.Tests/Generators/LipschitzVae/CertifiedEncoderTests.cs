using DpSynth.Models.Generators.LipschitzVae;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators.LipschitzVae;

public sealed class CertifiedEncoderTests
{
    /// <summary>A table encoder with two [0, 1] numerics (one with a missing block) and a 4-slot and a 2-slot one-hot: width 1 + 3 + 4 + 2 = 10.</summary>
    internal static TableEncoder Encoder() => new(
    [
        new NumericEncoder("a", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.MinMax, [0, 10], false),
        new NumericEncoder("b", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.QuantileUniform, [0, 1, 2, 5], true),
        new OneHotEncoder("c", ColumnKind.Categorical, ColumnRole.Feature, ["x", "y", "z"], "(other)"),
        new OneHotEncoder("d", ColumnKind.Categorical, ColumnRole.Label, ["no", "yes"]),
    ]);

    internal static CertifiedEncoder RandomMean(int inputs, int seed, double scale = 1, params int[] widths)
    {
        var random = new Random(seed);
        var layers = new List<EncoderLayer>();
        int n = inputs;
        for (int l = 0; l < widths.Length; l++)
        {
            var w = new float[widths[l] * n];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1);
            var b = new float[widths[l]];
            for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() - 0.5);
            layers.Add(new EncoderLayer(w, b, n, widths[l], Relu: l < widths.Length - 1));
            n = widths[l];
        }
        return new CertifiedEncoder(layers, scale);
    }

    [Fact]
    public void The_box_diameter_counts_numerics_once_and_one_hot_blocks_twice()
    {
        var box = new InputBox(Encoder());
        Assert.Equal(2, box.NumericCount);
        Assert.Equal(3, box.OneHotCount); // b's missing block, c, d
        Assert.Equal(Math.Sqrt(2 + 2 * 3), box.Diameter, 14);
        // Two extreme records are exactly D apart.
        float[] x = [0, 0, 1, 0, 1, 0, 0, 0, 1, 0], y = [1, 1, 0, 1, 0, 0, 1, 0, 0, 1];
        Assert.Equal(box.Diameter, Math.Sqrt(x.Zip(y, (p, q) => (double)(p - q) * (p - q)).Sum()), 12);
    }

    [Fact]
    public void A_quantile_normal_encoding_leaves_the_box_and_is_refused()
    {
        var encoder = new TableEncoder([new NumericEncoder("a", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.QuantileNormal, [0, 1, 2], false)]);
        var e = Assert.Throws<ArgumentException>(() => new InputBox(encoder));
        Assert.Contains("column a", e.Message);
    }

    [Fact]
    public void The_certified_bound_holds_on_random_pairs_and_on_the_checkers_adversarial_pairs()
    {
        var box = new InputBox(Encoder());
        var mean = RandomMean(box.Width, 7, 0.8, 16, 16, 4);
        var random = new Random(5);
        double[] x = new double[box.Width], y = new double[box.Width], mx = new double[4], my = new double[4];
        double worst = 0;
        for (int t = 0; t < 2000; t++)
        {
            box.RandomVertex(random, x);
            if (t % 2 == 0) box.RandomVertex(random, y);
            else { for (int i = 0; i < y.Length; i++) y[i] = x[i] + 1e-3 * (random.NextDouble() - 0.5); box.Project(y); }
            mean.Mean(x, mx);
            mean.Mean(y, my);
            double a = Math.Sqrt(mx.Zip(my, (p, q) => (p - q) * (p - q)).Sum()), b = Math.Sqrt(x.Zip(y, (p, q) => (p - q) * (p - q)).Sum());
            if (b > 0) worst = Math.Max(worst, a / b);
            Assert.True(a <= mean.Lipschitz * box.Diameter);
        }
        Assert.True(worst <= mean.Lipschitz);
        double sensitivity = TwinsRelease.SensitivityOf(mean.Lipschitz, box.Diameter);
        var report = CertificateChecker.Check(mean, box, sensitivity, sigma: 2, seed: 3, draws: 200_000);
        Assert.True(report.Passed, report.Failure);
        Assert.True(report.MaxRatio >= worst * 0.999, $"the search ({report.MaxRatio}) did worse than random pairs ({worst})");
        Assert.True(report.MaxRatio <= mean.Lipschitz);
    }

    [Fact]
    public void On_a_single_linear_layer_the_search_reaches_the_certified_bound()
    {
        // μ(x) = W·x + b: the ratio along W's top right singular vector is ‖W‖₂ exactly, so a search
        // that finds it shows the certificate is tight there and the checker is not vacuous.
        var box = new InputBox(new TableEncoder(
        [
            new NumericEncoder("a", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.MinMax, [0, 1], false),
            new NumericEncoder("b", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.MinMax, [0, 1], false),
            new NumericEncoder("c", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.MinMax, [0, 1], false),
        ]));
        var mean = RandomMean(3, 11, 1.5, 2);
        var report = CertificateChecker.Check(mean, box, TwinsRelease.SensitivityOf(mean.Lipschitz, box.Diameter), 1, seed: 9, draws: 100_000);
        Assert.True(report.Passed, report.Failure);
        Assert.True(report.MaxRatio >= mean.Lipschitz * 0.999, $"ratio {report.MaxRatio} vs L {mean.Lipschitz}");
    }

    [Fact]
    public void The_checker_reports_a_sensitivity_that_is_too_small()
    {
        var box = new InputBox(Encoder());
        var mean = RandomMean(box.Width, 7, 1, 16, 4);
        var report = CertificateChecker.Check(mean, box, sensitivity: 1e-3, sigma: 1, seed: 1, draws: 10_000);
        Assert.False(report.Passed);
        Assert.Contains("sensitivity", report.Failure);
    }

    [Fact]
    public void The_empirical_privacy_loss_of_a_million_latents_follows_the_pairs_gdp()
    {
        var box = new InputBox(Encoder());
        var mean = RandomMean(box.Width, 21, 1, 8, 3);
        double sensitivity = TwinsRelease.SensitivityOf(mean.Lipschitz, box.Diameter);
        var report = CertificateChecker.Check(mean, box, sensitivity, sigma: 3, seed: 2);
        Assert.True(report.Passed, report.Failure);
        Assert.Equal(1_000_000, report.Draws);
        Assert.Equal(report.PairMu, report.LossStd, 0.01 * report.PairMu + 1e-6);
        Assert.True(report.PairMu <= report.ReleaseMu);
    }

    [Fact]
    public void Projection_brings_the_certified_bound_to_the_target_and_leaves_a_smaller_one_alone()
    {
        var mean = RandomMean(10, 4, 3, 12, 5);
        Assert.True(mean.Lipschitz > 1);
        var projected = mean.ProjectedTo(1);
        Assert.True(projected.Lipschitz <= 1);
        Assert.True(projected.Lipschitz > 1 - 1e-12);
        Assert.Same(projected, projected.ProjectedTo(2));
        // The projection scales μ: distances shrink by the same factor.
        double[] x = new double[10], y = new double[10], a = new double[5], b = new double[5];
        x[0] = 1; y[3] = 1;
        mean.Mean(x, a); projected.Mean(x, b);
        Assert.Equal(a[0] * projected.Scale / mean.Scale, b[0], 12);
    }
}
