using DpSynth.Privacy.Numerics;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Mechanisms;

/// <summary>
/// The Gaussian mechanism with analytic calibration (Balle &amp; Wang, "Improving the Gaussian
/// Mechanism for Differential Privacy", 2018, Thm. 8): it is (ε, δ)-DP iff
/// Φ(Δ/2σ − εσ/Δ) − e^ε·Φ(−Δ/2σ − εσ/Δ) ≤ δ, for L2 sensitivity Δ. Unlike the classical
/// σ = Δ·√(2 ln(1.25/δ))/ε this holds for every ε and is tight.
/// </summary>
public static class AnalyticGaussianMechanism
{
    /// <summary>The exact δ(ε) of the Gaussian mechanism with noise σ and sensitivity Δ.</summary>
    /// <param name="sigma">Noise standard deviation σ &gt; 0.</param>
    /// <param name="sensitivity">L2 sensitivity Δ &gt; 0.</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    public static double Delta(double sigma, double sensitivity, double epsilon)
    {
        CostValidation.Positive(sigma, "sigma");
        CostValidation.Positive(sensitivity, "sensitivity");
        CostValidation.NonNegative(epsilon, "epsilon");
        double mu = sensitivity / sigma;
        // e^ε·Φ(−μ/2 − ε/μ) is formed in log space: e^ε overflows long before the product does.
        double first = StandardNormal.Survival(epsilon / mu - mu / 2);
        double second = Math.Exp(epsilon + StandardNormal.LogSurvival(epsilon / mu + mu / 2));
        return Math.Max(0, first - second);
    }

    /// <summary>The smallest σ (to 1e-9 relative) for which the mechanism is (ε, δ)-DP; δ(ε) is decreasing in σ, so bisection applies.</summary>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    /// <param name="sensitivity">L2 sensitivity Δ &gt; 0.</param>
    public static double CalibrateSigma(double epsilon, double delta, double sensitivity)
    {
        CostValidation.Positive(epsilon, "epsilon");
        CostValidation.Delta(delta);
        CostValidation.Positive(sensitivity, "sensitivity");
        double lo = sensitivity * 1e-6, hi = sensitivity;
        while (Delta(hi, sensitivity, epsilon) > delta) { lo = hi; hi *= 2; }
        while (hi / lo - 1 > 1e-9)
        {
            double mid = Math.Sqrt(lo * hi);
            if (Delta(mid, sensitivity, epsilon) <= delta) hi = mid; else lo = mid;
        }
        return hi;
    }

    /// <summary>The ledger cost of one release: a Gaussian with noise multiplier σ/Δ, q = 1, one step.</summary>
    /// <param name="sigma">Noise standard deviation σ &gt; 0.</param>
    /// <param name="sensitivity">L2 sensitivity Δ &gt; 0.</param>
    public static SubsampledGaussianCost Cost(double sigma, double sensitivity) => new(sigma / sensitivity, 1, 1);

    /// <summary>
    /// Spends the stage on the ledger (refused before any data is read if it would exceed the
    /// budget), then adds N(0, σ²) noise to each value. The noise is floating-point (Box–Muller
    /// on 53-bit uniforms); use <see cref="DiscreteGaussianSampler"/> for integer queries.
    /// </summary>
    /// <param name="values">The query answers, with joint L2 sensitivity Δ.</param>
    /// <param name="sigma">Noise standard deviation.</param>
    /// <param name="sensitivity">L2 sensitivity Δ.</param>
    /// <param name="random">Randomness source.</param>
    /// <param name="ledger">The ledger to spend on.</param>
    /// <param name="stageName">Name of the ledger stage.</param>
    public static double[] Release(IReadOnlyList<double> values, double sigma, double sensitivity, IRandomSource random,
        Ledger.PrivacyLedger ledger, string stageName)
    {
        ledger.Spend(new Ledger.LedgerStage(stageName, "gaussian (analytic calibration)", Cost(sigma, sensitivity))
        {
            Parameters = new Dictionary<string, double> { ["sigma"] = sigma, ["sensitivity"] = sensitivity },
        });
        var noisy = new double[values.Count];
        for (int i = 0; i < noisy.Length; i++) noisy[i] = values[i] + sigma * StandardGaussian(random);
        return noisy;
    }

    private static double StandardGaussian(IRandomSource random)
    {
        double u1 = 1 - random.NextDouble(); // (0, 1], so the log is finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
