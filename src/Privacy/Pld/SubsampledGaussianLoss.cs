using DpSynth.Privacy.Numerics;

namespace DpSynth.Privacy.Pld;

/// <summary>
/// Privacy loss of one step of the Poisson-subsampled Gaussian mechanism with sensitivity 1:
/// the pair is μ₀ = N(0, σ²) and the mixture μ = (1−q)·N(0, σ²) + q·N(1, σ²).
/// Remove direction: P = μ, Q = μ₀, L(x) = log(1 − q + q·e^{(2x−1)/2σ²}), increasing in x.
/// Add direction: P = μ₀, Q = μ, L(x) = −log(1 − q + q·e^{(2x−1)/2σ²}), decreasing in x.
/// Both are monotone, so P(L ≥ ℓ) and Q(L ≥ ℓ) are Gaussian tails at the inverse image of ℓ and
/// every grid bucket's mass is exact (Koskela, Jälkö &amp; Honkela 2020; Zhu, Dong &amp; Wang 2022).
/// </summary>
internal sealed class SubsampledGaussianLoss(double sigma, double q) : IPrivacyLossModel
{
    private readonly double _logQ = Math.Log(q);
    private readonly double _log1mQ = q == 1 ? double.NegativeInfinity : MathNet.Numerics.SpecialFunctions.Log1p(-q);

    public bool IsSymmetric => q == 1; // both directions are a shifted Gaussian pair

    /// <summary>g(x) = log(1 − q + q·e^{(2x−1)/2σ²}).</summary>
    private double G(double x) => LogSpace.Add(_log1mQ, _logQ + (2 * x - 1) / (2 * sigma * sigma));

    /// <summary>g⁻¹(m) = σ²·log1p(expm1(m)/q) + ½; −∞ for m ≤ log(1−q), below g's range.</summary>
    private double GInverse(double m)
    {
        if (m <= _log1mQ) return double.NegativeInfinity;
        if (m > 700) return sigma * sigma * (m - _logQ + MathNet.Numerics.SpecialFunctions.Log1p(-(1 - q) * Math.Exp(-m))) + 0.5;
        double ratio = Numerics.Exponential.MinusOne(m) / q;
        return sigma * sigma * MathNet.Numerics.SpecialFunctions.Log1p(ratio) + 0.5;
    }

    private (double XLow, double XHigh) XRange(double tailMass)
    {
        double z = StandardNormal.SurvivalInverse(tailMass / 2);
        return (-z * sigma, 1 + z * sigma);
    }

    public (double Min, double Max) LossRange(LossDirection direction, double tailMass)
    {
        var (xl, xh) = XRange(tailMass);
        return direction == LossDirection.Remove ? (G(xl), G(xh)) : (-G(xh), -G(xl));
    }

    /// <summary>Probabilities of {L ≥ ℓ} and {L &lt; ℓ} under P and Q, each computed from its own tail to keep small values exact.</summary>
    private (double PAbove, double PBelow, double QAbove, double QBelow) Tails(double loss, LossDirection direction)
    {
        // Remove: L ≥ ℓ ⇔ x ≥ g⁻¹(ℓ). Add: L ≥ ℓ ⇔ g(x) ≤ −ℓ ⇔ x ≤ g⁻¹(−ℓ).
        double x = GInverse(direction == LossDirection.Remove ? loss : -loss);
        double n0Above = StandardNormal.Survival(x / sigma), n0Below = StandardNormal.Cdf(x / sigma);
        double n1Above = StandardNormal.Survival((x - 1) / sigma), n1Below = StandardNormal.Cdf((x - 1) / sigma);
        double mixAbove = (1 - q) * n0Above + q * n1Above, mixBelow = (1 - q) * n0Below + q * n1Below;
        return direction == LossDirection.Remove
            ? (mixAbove, mixBelow, n0Above, n0Below)
            : (n0Below, n0Above, mixBelow, mixAbove); // x ≤ g⁻¹(−ℓ) is the lower tail in x
    }

    public LossPmf Discretise(double interval, LossDirection direction, double tailMass)
    {
        var (min, max) = LossRange(direction, tailMass);
        long kLo = (long)Math.Floor(min / interval), kHi = (long)Math.Ceiling(max / interval);
        var builder = new LossPmfBuilder(interval, kLo, kHi);
        var t = new (double PAbove, double PBelow, double QAbove, double QBelow)[kHi - kLo + 1];
        for (long k = kLo; k <= kHi; k++) t[k - kLo] = Tails(k * interval, direction);

        builder.AddAtIndex(kLo, t[0].PBelow);      // lower tail rounded up to the lowest grid point
        builder.AddInfinity(t[^1].PAbove);         // upper tail moved to +∞
        for (long k = kLo; k < kHi; k++)
        {
            var a = t[k - kLo];
            var b = t[k + 1 - kLo];
            builder.AddBucket(k, Difference(a.PAbove, b.PAbove, a.PBelow, b.PBelow),
                                 Difference(a.QAbove, b.QAbove, a.QBelow, b.QBelow));
        }
        return builder.Build();
    }

    /// <summary>P(a ≤ L &lt; b) from whichever tail is smaller at a, avoiding 1 − 1 cancellation.</summary>
    private static double Difference(double aboveA, double aboveB, double belowA, double belowB)
        => Math.Max(0, aboveA < 0.5 ? aboveA - aboveB : belowB - belowA);
}
