using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Privacy.Tests;

public sealed class GaussianDifferentialPrivacyTests
{
    [Fact]
    public void Delta_is_the_published_curve_at_hand_computed_points()
    {
        // μ = 1, ε = 1: Φ(−0.5) − e·Φ(−1.5) = 0.3085375387 − 2.718281828·0.0668072013 = 0.1269385…
        Assert.Equal(0.30853753872598688 - Math.E * 0.066807201268858057, GaussianDifferentialPrivacy.Delta(1, 1), 12);
        // ε = 0: Φ(μ/2) − Φ(−μ/2), the total variation between N(0, 1) and N(μ, 1).
        Assert.Equal(0.69146246127401312 - 0.30853753872598688, GaussianDifferentialPrivacy.Delta(1, 0), 12);
    }

    [Theory]
    [InlineData(0.05, 1e-5)]
    [InlineData(0.3, 1e-6)]
    [InlineData(1.0, 1e-5)]
    [InlineData(4.0, 1e-9)]
    public void Epsilon_and_mu_invert_delta_and_agree_with_the_analytic_gaussian(double mu, double delta)
    {
        double epsilon = GaussianDifferentialPrivacy.Epsilon(mu, delta);
        Assert.True(GaussianDifferentialPrivacy.Delta(mu, epsilon) <= delta);
        Assert.True(epsilon == 0 || GaussianDifferentialPrivacy.Delta(mu, epsilon * (1 - 1e-6)) > delta);
        // The Balle–Wang analytic Gaussian with Δ/σ = μ is the same curve.
        Assert.Equal(AnalyticGaussianMechanism.Delta(2.0 / mu, 2.0, epsilon), GaussianDifferentialPrivacy.Delta(mu, epsilon), 14);
        if (epsilon > 0)
        {
            double back = GaussianDifferentialPrivacy.Mu(epsilon, delta);
            Assert.True(back <= mu * (1 + 1e-9));
            Assert.Equal(mu, back, mu * 1e-6);
        }
    }

    [Fact]
    public void K_releases_compose_to_root_k_mu_and_cost_more_than_one()
    {
        Assert.Equal(3 * 0.2, GaussianDifferentialPrivacy.Compose(0.2, 9), 14);
        Assert.True(GaussianDifferentialPrivacy.Epsilon(GaussianDifferentialPrivacy.Compose(0.2, 9), 1e-5) > GaussianDifferentialPrivacy.Epsilon(0.2, 1e-5));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Group_privacy_bounds_the_exact_replace_one_curve_of_a_gaussian_sum(double epsilonAddRemove)
    {
        // A Gaussian sum of records of norm ≤ 1 is 1-GDP under add/remove and exactly 2-GDP under
        // replace-one (one record out, another in: sensitivity 2). The conversion must not undercut it.
        double deltaAddRemove = GaussianDifferentialPrivacy.Delta(1, epsilonAddRemove);
        var (eps, delta) = ReplaceOneComposition.FromAddRemove(epsilonAddRemove, deltaAddRemove);
        Assert.Equal(2 * epsilonAddRemove, eps, 14);
        Assert.True(GaussianDifferentialPrivacy.Delta(2, eps) <= delta);
        // Reading the add/remove stage as if it were replace-one would be unsound:
        Assert.True(GaussianDifferentialPrivacy.Delta(2, epsilonAddRemove) > deltaAddRemove);
    }

    [Fact]
    public void The_composition_of_a_constructed_fit_and_release_adds_up_and_stays_within_delta()
    {
        // A pure 0.3-DP fit (ε independent of δ) and a 0.2-GDP release at total δ = 1e-5.
        var g = ReplaceOneComposition.Compose(_ => 0.3, 0.2, 1e-5);
        Assert.Equal(0.6, g.FitEpsilonReplaceOne, 14);
        Assert.True(g.FitDeltaReplaceOne <= 0.5e-5);
        Assert.Equal((1 + Math.Exp(0.3)) * g.FitDeltaAddRemove * 1e5, g.FitDeltaReplaceOne * 1e5, 12);
        Assert.Equal(0.5e-5, g.ReleaseDelta);
        Assert.Equal(GaussianDifferentialPrivacy.Epsilon(0.2, 0.5e-5), g.ReleaseEpsilon, 14);
        Assert.Equal(g.FitEpsilonReplaceOne + g.ReleaseEpsilon, g.Epsilon, 14);
        Assert.True(g.Delta <= 1e-5);
        Assert.Equal(NeighbouringRelation.ReplaceOne, g.Neighbouring);
    }

    [Fact]
    public void The_fit_is_read_at_a_delta_small_enough_for_its_converted_share()
    {
        // ε(δ) of a Gaussian fit grows as δ shrinks; the share must still hold after conversion.
        Func<double, double> fit = d => GaussianDifferentialPrivacy.Epsilon(0.8, d);
        var (eps, delta) = ReplaceOneComposition.FitShare(fit, 1e-5);
        Assert.Equal(fit(delta), eps, 14);
        Assert.True((1 + Math.Exp(eps)) * delta <= 1e-5);
        Assert.True((1 + Math.Exp(eps)) * delta > 0.99 * 1e-5 * 0.999 * 0.99); // not needlessly small
    }

    [Fact]
    public void The_release_mu_for_a_total_epsilon_reaches_it_and_a_fit_that_spent_it_all_is_refused()
    {
        Func<double, double> fit = d => GaussianDifferentialPrivacy.Epsilon(0.3, d);
        double mu = ReplaceOneComposition.ReleaseMuFor(fit, 4, 1e-5);
        var g = ReplaceOneComposition.Compose(fit, mu, 1e-5);
        Assert.True(g.Epsilon <= 4 + 1e-9);
        Assert.Equal(4, g.Epsilon, 6);
        var e = Assert.Throws<ArgumentException>(() => ReplaceOneComposition.ReleaseMuFor(fit, 2.5, 1e-5));
        Assert.Contains("leaves nothing", e.Message);
    }
}
