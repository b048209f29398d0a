using DpSynth.Privacy.Numerics;

namespace DpSynth.Privacy.Mechanisms;

/// <summary>
/// μ-Gaussian differential privacy (Dong, Roth &amp; Su 2022, "Gaussian differential privacy"): a
/// mechanism is μ-GDP when telling neighbours apart is no easier than telling N(0, 1) from N(μ, 1).
/// The Gaussian mechanism with L2 sensitivity Δ and noise σ is exactly (Δ/σ)-GDP; k of them compose to
/// √(μ₁² + … + μ_k²)-GDP (their Cor. 3.3). μ-GDP holds iff (ε, δ(ε))-DP for all ε ≥ 0 with
/// δ(ε) = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2) (their Cor. 2.13; the same curve as Balle &amp; Wang 2018,
/// Thm. 8) — the exact conversion, not the classical √(2 ln(1.25/δ)) bound.
/// </summary>
public static class GaussianDifferentialPrivacy
{
    /// <summary>δ(ε) of μ-GDP.</summary>
    /// <param name="mu">μ &gt; 0.</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    public static double Delta(double mu, double epsilon)
    {
        CostValidation.Positive(mu, "mu");
        CostValidation.NonNegative(epsilon, "epsilon");
        // e^ε·Φ(−ε/μ − μ/2) in log space: e^ε overflows long before the product does.
        double first = StandardNormal.Survival(epsilon / mu - mu / 2);
        double second = Math.Exp(epsilon + StandardNormal.LogSurvival(epsilon / mu + mu / 2));
        return Math.Max(0, first - second);
    }

    /// <summary>
    /// The smallest ε (to 1e-12 relative, rounded up) with δ(ε) ≤ <paramref name="delta"/> under μ-GDP;
    /// 0 when δ(0) ≤ δ already. δ(ε) decreases in ε, so bisection applies.
    /// </summary>
    /// <param name="mu">μ &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public static double Epsilon(double mu, double delta)
    {
        CostValidation.Positive(mu, "mu");
        CostValidation.Delta(delta);
        if (Delta(mu, 0) <= delta) return 0;
        double lo = 0, hi = Math.Max(1, mu);
        while (Delta(mu, hi) > delta) { lo = hi; hi *= 2; }
        while (hi - lo > 1e-12 * hi)
        {
            double mid = 0.5 * (lo + hi);
            if (Delta(mu, mid) <= delta) hi = mid; else lo = mid;
        }
        return hi; // the upper end: δ(hi) ≤ δ holds
    }

    /// <summary>The largest μ (to 1e-12 relative, rounded down) whose μ-GDP implies (ε, δ)-DP; δ(ε) increases in μ.</summary>
    /// <param name="epsilon">ε ≥ 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public static double Mu(double epsilon, double delta)
    {
        CostValidation.NonNegative(epsilon, "epsilon");
        CostValidation.Delta(delta);
        double lo = 1e-12, hi = 1;
        if (Delta(lo, epsilon) > delta) throw new ArgumentOutOfRangeException(nameof(delta), delta, "no mu > 1e-12 reaches this (epsilon, delta)");
        while (Delta(hi, epsilon) <= delta) { lo = hi; hi *= 2; }
        while (hi - lo > 1e-12 * hi)
        {
            double mid = 0.5 * (lo + hi);
            if (Delta(mid, epsilon) <= delta) lo = mid; else hi = mid;
        }
        return lo; // the lower end: δ(ε) ≤ δ holds at lo
    }

    /// <summary>μ of <paramref name="count"/> adaptive releases, each <paramref name="muEach"/>-GDP: √count·μ.</summary>
    public static double Compose(double muEach, long count)
    {
        CostValidation.Positive(muEach, "mu");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one release");
        return Math.Sqrt(count) * muEach;
    }
}
