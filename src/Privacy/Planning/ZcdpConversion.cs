namespace DpSynth.Privacy.Planning;

/// <summary>
/// Calibration in zero-concentrated DP (Bun &amp; Steinke 2016): an (ε, δ) share is turned into ρ
/// with ε = ρ + 2√(ρ·ln(1/δ)) (their Prop. 1.3), and ρ into the noise of a Gaussian-type stage or
/// the ε of exponential-mechanism releases. The conversion is conservative: the ledger's
/// accountant prices each stage exactly, and composes them more tightly than the sum of shares.
/// </summary>
public static class ZcdpConversion
{
    /// <summary>The largest ρ whose zCDP guarantee implies (<paramref name="epsilon"/>, <paramref name="delta"/>)-DP.</summary>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public static double Rho(double epsilon, double delta)
    {
        CostValidation.Positive(epsilon, "epsilon");
        CostValidation.Delta(delta);
        double l = Math.Log(1 / delta);
        double sqrtRho = Math.Sqrt(l + epsilon) - Math.Sqrt(l);
        return sqrtRho * sqrtRho;
    }

    /// <summary>The ε that ρ-zCDP implies at <paramref name="delta"/>: ρ + 2√(ρ·ln(1/δ)), the inverse of <see cref="Rho"/>.</summary>
    public static double Epsilon(double rho, double delta)
    {
        CostValidation.Positive(rho, "rho");
        CostValidation.Delta(delta);
        return rho + 2 * Math.Sqrt(rho * Math.Log(1 / delta));
    }

    /// <summary>σ of a (discrete) Gaussian stage with L2 sensitivity <paramref name="sensitivity"/> that is ρ-zCDP: Δ/√(2ρ) (Canonne, Kamath &amp; Steinke 2020 for the discrete one).</summary>
    public static double GaussianSigma(double rho, double sensitivity = 1)
    {
        CostValidation.Positive(rho, "rho");
        return sensitivity * Math.Sqrt(1 / (2 * rho));
    }

    /// <summary>ε of each of <paramref name="count"/> exponential-mechanism releases that together are ρ-zCDP: √(8ρ/m) (Cesar &amp; Rogers 2021).</summary>
    public static double ExponentialEpsilon(double rho, int count)
    {
        CostValidation.Positive(rho, "rho");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one release");
        return Math.Sqrt(8 * rho / count);
    }
}
