using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Numerics;

namespace DpSynth.Privacy.Auditing;

/// <summary>
/// μ-Gaussian differential privacy (Dong, Roth &amp; Su 2019) read off one test. A mechanism is μ-GDP
/// when telling its outputs on neighbours apart is no easier than telling N(0, 1) from N(μ, 1): every
/// test with false-positive rate α has false-negative rate ≥ Φ(Φ⁻¹(1 − α) − μ). For a Gaussian
/// mechanism with noise σ and sensitivity Δ, μ = Δ/σ, and a threshold test meets the curve exactly, so
/// one threshold's error rates give μ = Φ⁻¹(1 − FPR) − Φ⁻¹(FNR) = z(FPR) + z(FNR), z = Φc⁻¹.
/// </summary>
public static class GaussianTradeOff
{
    /// <summary>μ from a test's error rates (±∞ where a rate is 0 or 1).</summary>
    /// <param name="falsePositiveRate">FPR ∈ [0, 1].</param>
    /// <param name="falseNegativeRate">FNR ∈ [0, 1].</param>
    public static double Mu(double falsePositiveRate, double falseNegativeRate) => Z(falsePositiveRate) + Z(falseNegativeRate);

    /// <summary>
    /// μ̂ and its interval from counted errors: FPR = fp/negatives, FNR = fn/positives, each bounded
    /// by a two-sided Clopper–Pearson interval at α/2, so the μ interval holds with probability ≥ 1 − α
    /// (union bound). μ falls as either rate rises, so the low end uses both upper bounds.
    /// </summary>
    /// <param name="falsePositives">Outputs of the first input the test called the second.</param>
    /// <param name="negatives">Outputs drawn on the first input.</param>
    /// <param name="falseNegatives">Outputs of the second input the test called the first.</param>
    /// <param name="positives">Outputs drawn on the second input.</param>
    /// <param name="alpha">Error probability of the interval.</param>
    public static (double Estimate, double Lower, double Upper) MuInterval(long falsePositives, long negatives, long falseNegatives, long positives, double alpha)
    {
        var fpr = ClopperPearson.Interval(falsePositives, negatives, alpha / 2);
        var fnr = ClopperPearson.Interval(falseNegatives, positives, alpha / 2);
        return (Mu((double)falsePositives / negatives, (double)falseNegatives / positives), Mu(fpr.Upper, fnr.Upper), Mu(fpr.Lower, fnr.Lower));
    }

    /// <summary>The ε at which a μ-GDP mechanism is (ε, δ)-DP: δ(ε) = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2) solved for ε (0 when δ(0) ≤ δ).</summary>
    /// <param name="mu">μ &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public static double Epsilon(double mu, double delta)
    {
        CostValidation.Positive(mu, "mu");
        CostValidation.Delta(delta);
        if (AnalyticGaussianMechanism.Delta(1, mu, 0) <= delta) return 0;
        double lo = 0, hi = 1;
        while (AnalyticGaussianMechanism.Delta(1, mu, hi) > delta) { lo = hi; hi *= 2; }
        for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (AnalyticGaussianMechanism.Delta(1, mu, mid) > delta) lo = mid; else hi = mid;
        }
        return hi;
    }

    private static double Z(double p) => p <= 0 ? double.PositiveInfinity : p >= 1 ? double.NegativeInfinity : StandardNormal.SurvivalInverse(p);
}
