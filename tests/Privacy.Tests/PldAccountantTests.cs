using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Numerics;
using DpSynth.Privacy.Pld;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Privacy.Tests;

public class PldAccountantTests
{
    private static readonly PldAccountant Pld = new();

    /// <summary>A coarser grid for property tests: still an upper bound, five times cheaper.</summary>
    private static readonly PldAccountant Coarse = new(5e-4);

    /// <summary>ε(δ) of a Gaussian with μ = √(Σ Tᵢ/σᵢ²), solving the closed form δ(ε) by bisection.</summary>
    private static double ClosedFormEpsilon(double mu, double delta)
    {
        double lo = 0, hi = 200;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (AnalyticGaussianMechanism.Delta(1 / mu, 1, mid) > delta) lo = mid; else hi = mid;
        }
        return hi;
    }

    [Theory]
    [InlineData(2.0, 10L, 1e-5)]
    [InlineData(1.0, 1L, 1e-5)]
    [InlineData(5.0, 200L, 1e-6)]
    [InlineData(0.8, 3L, 1e-3)]
    public void FullBatchMatchesGaussianClosedFormFromAbove(double sigma, long steps, double delta)
    {
        double exact = ClosedFormEpsilon(Math.Sqrt(steps) / sigma, delta);
        double pld = Pld.Epsilon(1, sigma, steps, delta, estimateError: false).Epsilon;
        Assert.True(pld >= exact, $"PLD {pld} is below the closed form {exact}");
        Assert.True(pld <= exact * 1.01, $"PLD {pld} is more than 1% above the closed form {exact}");
    }

    [Fact]
    public void DeltaAtEpsilonNeverBelowClosedForm()
    {
        var pld = Pld.Compose([new SubsampledGaussianCost(1.5, 1, 20)]);
        double mu = Math.Sqrt(20) / 1.5;
        foreach (double eps in new[] { 0.0, 1, 3, 6, 9 })
        {
            double exact = AnalyticGaussianMechanism.Delta(1 / mu, 1, eps);
            double got = pld.DeltaAt(eps);
            Assert.True(got >= exact * (1 - 1e-9), $"δ({eps}) = {got} < exact {exact}");
            Assert.True(got <= exact * 1.01 + 1e-12, $"δ({eps}) = {got} ≫ exact {exact}");
        }
    }

    [Fact]
    public void HeterogeneousGaussianStagesComposeLikeOneGaussian()
    {
        // Gaussian stages compose exactly: μ² = Σ Tᵢ/σᵢ².
        PrivacyCost[] stages = [new SubsampledGaussianCost(2, 1, 4), new SubsampledGaussianCost(3, 1, 9), new SubsampledGaussianCost(1.5, 1, 1)];
        double mu = Math.Sqrt(4 / 4.0 + 9 / 9.0 + 1 / 2.25);
        double exact = ClosedFormEpsilon(mu, 1e-5);
        double pld = Pld.Epsilon(stages, 1e-5, estimateError: false).Epsilon;
        Assert.InRange(pld, exact, exact * 1.01);
    }

    [Theory]
    [InlineData(0.01, 1.0)]
    [InlineData(0.2, 0.7)]
    [InlineData(0.5, 2.0)]
    public void SingleSubsampledStepMatchesDirectIntegration(double q, double sigma)
    {
        // Hockey-stick divergence integrated directly over x in both directions of the pair
        // N(0,σ²) vs (1−q)N(0,σ²) + qN(1,σ²), against the discretised PLD for one step.
        var pld = Pld.Compose([new SubsampledGaussianCost(sigma, q, 1)]);
        foreach (double eps in new[] { 0.0, 0.3 * q / sigma, 1.0 })
        {
            double exact = Math.Max(HockeyStick(q, sigma, eps, remove: true), HockeyStick(q, sigma, eps, remove: false));
            double got = pld.DeltaAt(eps);
            Assert.True(got >= exact - 1e-9, $"δ({eps}) = {got} < integral {exact}");
            Assert.True(got <= exact * 1.01 + 1e-9, $"δ({eps}) = {got} ≫ integral {exact}");
        }
    }

    private static double HockeyStick(double q, double sigma, double eps, bool remove)
    {
        double Density(double x, double mean) => Math.Exp(-(x - mean) * (x - mean) / (2 * sigma * sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
        int n = 200_000;
        double a = -14 * sigma, b = 1 + 14 * sigma, h = (b - a) / n, sum = 0;
        for (int i = 0; i <= n; i++)
        {
            double x = a + i * h;
            double mix = (1 - q) * Density(x, 0) + q * Density(x, 1), baseline = Density(x, 0);
            double f = remove ? Math.Max(0, mix - Math.Exp(eps) * baseline) : Math.Max(0, baseline - Math.Exp(eps) * mix);
            sum += (i == 0 || i == n ? 0.5 : 1) * f;
        }
        return sum * h;
    }

    public static TheoryData<double, double, long> Grid()
    {
        var data = new TheoryData<double, double, long>();
        foreach (double q in new[] { 0.004, 0.03 })
            foreach (double sigma in new[] { 0.9, 2.0 })
                foreach (long steps in new[] { 10L, 300L })
                    data.Add(q, sigma, steps);
        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void PldIsNeverAboveRdp(double q, double sigma, long steps)
    {
        double pld = Coarse.Epsilon(q, sigma, steps, 1e-5, estimateError: false).Epsilon;
        double rdp = RdpAccountant.Epsilon(q, sigma, steps, 1e-5).Epsilon;
        Assert.True(pld <= rdp, $"PLD {pld} > RDP {rdp}");
    }

    [Fact]
    public void MonotoneInStepsSampleRateAndInverseNoise()
    {
        double Eps(double q, double s, long t) => Coarse.Epsilon(q, s, t, 1e-5, estimateError: false).Epsilon;
        double[] qs = [0.002, 0.01, 0.05];
        double[] sigmas = [3.0, 1.5, 0.9];      // decreasing σ = increasing 1/σ
        long[] steps = [20, 200, 2000];
        for (int i = 0; i + 1 < 3; i++)
        {
            Assert.True(Eps(qs[i], 1.2, 200) < Eps(qs[i + 1], 1.2, 200), "ε must grow with q");
            Assert.True(Eps(0.01, sigmas[i], 200) < Eps(0.01, sigmas[i + 1], 200), "ε must grow with 1/σ");
            Assert.True(Eps(0.01, 1.2, steps[i]) < Eps(0.01, 1.2, steps[i + 1]), "ε must grow with steps");
        }
    }

    [Fact]
    public void EpsilonAndDeltaAreInverse()
    {
        var pld = Pld.Compose([new SubsampledGaussianCost(1.1, 0.02, 500)]);
        double eps = pld.EpsilonAt(1e-6);
        Assert.Equal(1e-6, pld.DeltaAt(eps), 1e-9);
        Assert.True(pld.DeltaAt(eps * 0.99) > 1e-6);
    }

    [Fact]
    public void ReportsDiscretisationErrorThatShrinksWithTheGrid()
    {
        var coarse = new PldAccountant(1e-3).Epsilon(0.01, 1, 1000, 1e-5);
        var fine = new PldAccountant(1e-4).Epsilon(0.01, 1, 1000, 1e-5);
        Assert.True(fine.ErrorEstimate < coarse.ErrorEstimate);
        Assert.True(fine.Epsilon <= coarse.Epsilon);
        Assert.True(fine.ErrorEstimate < 0.01 * fine.Epsilon);
    }

    [Fact]
    public void PureEpsilonStageGivesItsEpsilon()
    {
        double eps = Pld.Epsilon([new PureDpCost(0.7)], 1e-9, estimateError: false).Epsilon;
        Assert.InRange(eps, 0.7 - 1e-8, 0.7 + 2e-4); // true RR: δ(ε) = p(1 − e^{ε−0.7}) crosses 1e-9 just below 0.7
    }

    [Fact]
    public void ApproximateDpDeltaIsCountedAtInfinity()
    {
        var pld = Pld.Compose([new ApproximateDpCost(0.5, 1e-6), new SubsampledGaussianCost(2, 1, 1)]);
        Assert.True(pld.InfinityMass >= 1e-6);
        Assert.Equal(double.PositiveInfinity, pld.EpsilonAt(5e-7));
    }

    [Fact]
    public void ManyStepsStayWithinMemoryGrid()
    {
        var r = Pld.Epsilon(0.001, 1, 100_000, 1e-5, estimateError: false);
        Assert.Equal(1e-4, r.DiscretisationInterval);
        Assert.InRange(r.Epsilon, 0.5, RdpAccountant.Epsilon(0.001, 1, 100_000, 1e-5).Epsilon);
    }

    [Fact]
    public void StandardNormalTailIsAccurateFarOut()
    {
        // log Φc(40) from the asymptotic branch vs the known value −804.608442013754…
        Assert.Equal(-804.6084420137538, StandardNormal.LogSurvival(40), 1e-9);
        Assert.Equal(Math.Log(StandardNormal.Survival(30)), StandardNormal.LogSurvival(30), 1e-12);
    }
}
