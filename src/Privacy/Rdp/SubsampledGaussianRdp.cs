using DpSynth.Privacy.Numerics;

namespace DpSynth.Privacy.Rdp;

/// <summary>
/// Rényi divergence of the Poisson-subsampled Gaussian mechanism with sensitivity 1 and noise
/// multiplier σ, following Mironov, Talwar &amp; Zhang, "Rényi Differential Privacy of the Sampled
/// Gaussian Mechanism" (2019): RDP(α) = log A_α / (α − 1) with
/// A_α = E_{z∼μ₀}[((1−q) + q·μ₁(z)/μ₀(z))^α], μ₀ = N(0, σ²), μ₁ = N(1, σ²).
/// Everything is summed in log space.
/// </summary>
internal static class SubsampledGaussianRdp
{
    /// <summary>RDP of one step at order α &gt; 1.</summary>
    public static double Compute(double q, double sigma, double alpha)
    {
        if (q == 0) return 0;
        if (double.IsPositiveInfinity(alpha)) return double.PositiveInfinity;
        if (q == 1) return alpha / (2 * sigma * sigma); // plain Gaussian mechanism
        double logA = alpha == Math.Floor(alpha) && alpha < int.MaxValue
            ? LogAInteger(q, sigma, (int)alpha)
            : LogAFractional(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /// <summary>
    /// Integer α: the binomial expansion of (1 − q + q·e^{(2z−1)/2σ²})^α integrates term by term
    /// (Mironov et al. 2019, Sec. 3.2): A_α = Σ_k C(α,k) (1−q)^{α−k} q^k e^{(k²−k)/2σ²}.
    /// </summary>
    private static double LogAInteger(double q, double sigma, int alpha)
    {
        var terms = new double[alpha + 1];
        double logQ = Math.Log(q), log1mQ = MathNet.Numerics.SpecialFunctions.Log1p(-q);
        double logBinom = 0; // log C(α, 0)
        for (int k = 0; k <= alpha; k++)
        {
            if (k > 0) logBinom += Math.Log(alpha - k + 1) - Math.Log(k);
            terms[k] = logBinom + k * logQ + (alpha - k) * log1mQ + (k * (double)k - k) / (2 * sigma * sigma);
        }
        return LogSpace.Sum(terms);
    }

    /// <summary>
    /// Fractional α: split the integral at z₀ where (1−q)μ₀ = qμ₁ so that each side has a
    /// convergent generalised binomial series (Mironov et al. 2019, Sec. 3.3). Each series term
    /// is a Gaussian integral over a half-line, i.e. an erfc; terms alternate in sign once
    /// i &gt; α, so positive and negative parts are accumulated in log space separately.
    /// </summary>
    private static double LogAFractional(double q, double sigma, double alpha)
    {
        double s2 = sigma * sigma;
        double logQ = Math.Log(q), log1mQ = MathNet.Numerics.SpecialFunctions.Log1p(-q);
        double z0 = s2 * Math.Log(1 / q - 1) + 0.5;
        double pos0 = double.NegativeInfinity, neg0 = double.NegativeInfinity;
        double pos1 = double.NegativeInfinity, neg1 = double.NegativeInfinity;
        double logAbsBinom = 0; // log |C(α, i)|
        int sign = 1;
        for (int i = 0; i < 100_000; i++)
        {
            if (i > 0)
            {
                double factor = (alpha - i + 1) / i;
                if (factor < 0) sign = -sign;
                logAbsBinom += Math.Log(Math.Abs(factor));
            }
            double j = alpha - i;
            // ∫_{−∞}^{z₀} μ₀^{1−i} μ₁^{i} = e^{(i²−i)/2σ²} Φ((z₀ − i)/σ), and symmetrically for the upper half.
            double s0 = logAbsBinom + i * logQ + j * log1mQ + (i * (double)i - i) / (2 * s2)
                        + StandardNormal.LogSurvival((i - z0) / sigma);
            double s1 = logAbsBinom + j * logQ + i * log1mQ + (j * j - j) / (2 * s2)
                        + StandardNormal.LogSurvival((z0 - j) / sigma);
            if (sign > 0) { pos0 = LogSpace.Add(pos0, s0); pos1 = LogSpace.Add(pos1, s1); }
            else { neg0 = LogSpace.Add(neg0, s0); neg1 = LogSpace.Add(neg1, s1); }
            // A_α ≥ 1, so terms below e^{-40} no longer change it in double precision.
            if (i > alpha && Math.Max(s0, s1) < -40) break;
        }
        double a0 = LogSpace.Subtract(pos0, neg0);
        double a1 = LogSpace.Subtract(pos1, neg1);
        return LogSpace.Add(a0, a1);
    }
}
