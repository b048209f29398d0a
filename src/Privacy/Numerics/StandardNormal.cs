using MathNet.Numerics;

namespace DpSynth.Privacy.Numerics;

/// <summary>
/// Tails of the standard normal distribution, accurate far into the tail because δ values of
/// 1e-10 and below are built from them.
/// </summary>
public static class StandardNormal
{
    /// <summary>Φ(z) = P(Z ≤ z).</summary>
    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>Φc(z) = P(Z &gt; z) = 1 − Φ(z), computed directly so that small tails keep their digits.</summary>
    public static double Survival(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));

    /// <summary>log Φc(z); beyond z ≈ 37, where Φc underflows, the asymptotic series of Mills' ratio is used.</summary>
    public static double LogSurvival(double z)
    {
        if (z < 37) return Math.Log(Survival(z));
        // Φc(z) = φ(z)/z · (1 − 1/z² + 3/z⁴ − 15/z⁶ + …); four terms give ~1e-12 relative error at z = 37.
        double z2 = z * z;
        double series = 1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2);
        return -0.5 * z2 - Math.Log(z) - 0.5 * Math.Log(2 * Math.PI) + Math.Log(series);
    }

    /// <summary>The z with Φc(z) = p, for 0 &lt; p &lt; 1 (the upper-tail quantile).</summary>
    public static double SurvivalInverse(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "needs 0 < p < 1");
        return Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * p);
    }
}
