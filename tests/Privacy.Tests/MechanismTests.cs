using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Tests;

public class MechanismTests
{
    private static PrivacyLedger Ledger(double eps = 10, IRandomSource? rng = null)
        => new(new PrivacyBudget(eps, 1e-5), (rng ?? new SeededRandomSource(1)).Record, AccountantKind.Rdp);

    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    [InlineData(12.5)]
    public void DiscreteGaussianHasExactVarianceAndMeanZero(double sigma)
    {
        var sampler = new DiscreteGaussianSampler(sigma, new SeededRandomSource(42));
        const int n = 20_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) { long z = sampler.Sample(); sum += z; sumSq += (double)z * z; }
        double variance = DiscreteGaussianSampler.Variance(sigma);
        // Standard errors: mean √(v/n); variance ≈ v·√(2/n) (1%); allow 5 of them.
        Assert.InRange(sum / n, -5 * Math.Sqrt(variance / n), 5 * Math.Sqrt(variance / n));
        Assert.InRange(sumSq / n, variance * (1 - 5 * Math.Sqrt(2.0 / n)), variance * (1 + 5 * Math.Sqrt(2.0 / n)));
    }

    [Fact]
    public void DiscreteGaussianTailsMatchExactProbabilities()
    {
        double sigma = 2;
        var sampler = new DiscreteGaussianSampler(sigma, new SeededRandomSource(7));
        const int n = 40_000;
        int beyond2 = 0, beyond5 = 0, zeros = 0;
        for (int i = 0; i < n; i++)
        {
            long z = sampler.Sample();
            if (z >= 4) beyond2++;
            if (z >= 8) beyond5++;
            if (z == 0) zeros++;
        }
        foreach (var (count, k) in new[] { (beyond2, 4L), (beyond5, 8L) })
        {
            double p = DiscreteGaussianSampler.UpperTail(sigma, k);
            double se = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(count / (double)n, p - 5 * se - 1e-4, p + 5 * se + 1e-4);
        }
        double p0 = DiscreteGaussianSampler.UpperTail(sigma, 0) - DiscreteGaussianSampler.UpperTail(sigma, 1);
        Assert.InRange(zeros / (double)n, p0 - 5 * Math.Sqrt(p0 / n), p0 + 5 * Math.Sqrt(p0 / n));
    }

    [Fact]
    public void SeededSourceIsReproducibleAndRecordedAsNotSecure()
    {
        var a = new DiscreteGaussianSampler(5, new SeededRandomSource(3));
        var b = new DiscreteGaussianSampler(5, new SeededRandomSource(3));
        Assert.Equal(Enumerable.Range(0, 50).Select(_ => a.Sample()), Enumerable.Range(0, 50).Select(_ => b.Sample()));
        Assert.Equal(RandomnessKind.UserSeed, new SeededRandomSource(3).Record.Kind);
        Assert.Equal(RandomnessKind.Csprng, new CryptoRandomSource().Record.Kind);
        var csprng = new DiscreteGaussianSampler(5, new CryptoRandomSource());
        Assert.InRange(csprng.Sample(), -200, 200);
    }

    [Fact]
    public void HistogramReleasesDeclaredAndFrequentUndeclaredCategoriesOnly()
    {
        var values = Enumerable.Repeat("a", 500).Concat(Enumerable.Repeat("b", 300))
            .Concat(Enumerable.Repeat("frequent", 400)).Append("singleton").ToArray();
        var ledger = Ledger();
        var r = DpHistogram.Release(values, ["a", "b", "never-seen"], 2, 1e-9, new SeededRandomSource(5), ledger, "categories of x");
        Assert.InRange(r.Counts["a"], 480, 520);
        Assert.InRange(r.Counts["b"], 280, 320);
        Assert.True(r.Counts.ContainsKey("never-seen"));
        Assert.Contains("frequent", r.Discovered);
        Assert.DoesNotContain("singleton", r.Discovered);
        Assert.Equal(r.Threshold, DpHistogram.Threshold(2, 1e-9));
        Assert.Single(ledger.Stages);
        Assert.Equal(1e-9, ((DiscreteGaussianCost)ledger.Stages[0].Cost).ThresholdDelta);
    }

    [Fact]
    public void CountsOfPublicClassesSpendOneSensitivityOneStageBeforeTheNoise()
    {
        var ledger = Ledger();
        long[] exact = [1000, 0, 250, 7];
        var noisy = DpHistogram.ReleaseCounts(exact, 3, new SeededRandomSource(2), ledger, "shapes of x");
        Assert.Equal(exact.Length, noisy.Length);
        for (int i = 0; i < exact.Length; i++) Assert.InRange(noisy[i] - exact[i], -30, 30);
        var cost = Assert.IsType<DiscreteGaussianCost>(Assert.Single(ledger.Stages).Cost);
        Assert.Equal((3.0, 1.0, 0.0), (cost.Sigma, cost.Sensitivity, cost.ThresholdDelta));
        Assert.Equal(4, ledger.Stages[0].Parameters["classes"]);
        // The noise does not depend on the counts: the same seed shifts other counts by the same amounts.
        var again = DpHistogram.ReleaseCounts([0, 0, 0, 0], 3, new SeededRandomSource(2), Ledger(), "shapes of y");
        Assert.Equal(noisy.Zip(exact, (n, e) => n - e), again);
        // Over the budget: refused, nothing recorded.
        var tight = Ledger(eps: 0.01);
        Assert.Throws<PrivacyBudgetExceededException>(() => DpHistogram.ReleaseCounts(exact, 0.5, new SeededRandomSource(2), tight, "too costly"));
        Assert.Empty(tight.Stages);
    }

    [Fact]
    public void HistogramThresholdBoundsSingletonReleaseProbability()
    {
        long tau = DpHistogram.Threshold(3, 1e-6);
        Assert.True(DiscreteGaussianSampler.UpperTail(3, tau - 1) <= 1e-6);
        Assert.True(DiscreteGaussianSampler.UpperTail(3, tau - 2) > 1e-6); // smallest such τ
    }

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(3, 1e-6)]
    [InlineData(40, 1e-9)]
    [InlineData(2_000, 1e-7)]
    [InlineData(30_000, 1e-6)] // a small budget's σ: a step-by-step search takes hours here
    public void HistogramThresholdIsTheSmallestThatBoundsTheReleaseProbability(double sigma, double delta)
    {
        long tau = DpHistogram.Threshold(sigma, delta);
        Assert.True(DiscreteGaussianSampler.UpperTail(sigma, tau - 1) <= delta);
        if (tau > 1) Assert.True(DiscreteGaussianSampler.UpperTail(sigma, tau - 2) > delta);
    }

    [Fact]
    public void HistogramThresholdRefusesANoiseScaleNoBudgetCanUse()
    {
        var e = Assert.Throws<ArgumentException>(() => DpHistogram.Threshold(DpHistogram.MaxSigma * 10, 1e-6));
        Assert.Contains("too small to discover categories", e.Message);
    }

    [Fact]
    public void QuantilesLandNearTheTruthWithLargeEpsilon()
    {
        var rng = new SeededRandomSource(11);
        var values = Enumerable.Range(0, 2001).Select(i => i / 20.0).ToArray(); // uniform on [0, 100]
        var ledger = Ledger();
        var q = DpQuantiles.Release(values, [0.1, 0.5, 0.9], -50, 150, 1.0, rng, ledger, "bounds of x");
        Assert.InRange(q[0], 8, 12);
        Assert.InRange(q[1], 48, 52);
        Assert.InRange(q[2], 88, 92);
        var cost = Assert.IsType<ExponentialMechanismCost>(ledger.Stages[0].Cost);
        Assert.Equal(3.0, cost.TotalEpsilon, 12);
        Assert.Equal(3 * 1.0 / 8, cost.ZcdpRho, 12);
        Assert.Equal(1.0, cost.EpsilonPerRelease);
        Assert.Equal(3, cost.Releases);
    }

    [Fact]
    public void GaussianReleaseSpendsItsAnalyticCost()
    {
        var ledger = Ledger(5);
        double sigma = AnalyticGaussianMechanism.CalibrateSigma(1, 1e-6, 1);
        var noisy = AnalyticGaussianMechanism.Release([10, 20], sigma, 1, new SeededRandomSource(2), ledger, "column sums");
        Assert.Equal(2, noisy.Length);
        Assert.InRange(noisy[0], 10 - 8 * sigma, 10 + 8 * sigma);
        var cost = Assert.IsType<SubsampledGaussianCost>(ledger.Stages[0].Cost);
        Assert.Equal(sigma, cost.NoiseMultiplier, 12);
        Assert.Equal(1, cost.SampleRate);
    }
}
