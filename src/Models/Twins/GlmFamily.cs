namespace DpSynth.Models.Twins;

/// <summary>The GLMs the twin analysis fits; both use their canonical link, so Newton = IRLS.</summary>
public enum GlmFamily
{
    /// <summary>Binary 0/1 outcome, logit link: P(y = 1) = 1 / (1 + e^−η).</summary>
    Logistic,
    /// <summary>Count outcome, log link: E[y] = e^(η + offset).</summary>
    Poisson,
}

/// <summary>Which covariance of the coefficients to use.</summary>
public enum CovarianceKind
{
    /// <summary>Robust HC1 sandwich: (XᵀWX)⁻¹ (Σ xᵢxᵢᵀ rᵢ²) (XᵀWX)⁻¹ · n/(n−p), rᵢ = yᵢ − μᵢ.</summary>
    Robust,
    /// <summary>Model-based: (XᵀWX)⁻¹ at the estimate (dispersion fixed at 1).</summary>
    Model,
}

/// <summary>Per-record mean, variance weight and log-likelihood of each family.</summary>
internal static class GlmFamilies
{
    /// <summary>
    /// Linear predictors beyond this count as fitted values at their bounds (|η| &gt; 15: odds
    /// beyond 3·10⁶), a sign of separation when the variance explodes with them.
    /// </summary>
    public const double ExtremeEta = 15;

    public static double Mean(GlmFamily family, double eta) => family switch
    {
        GlmFamily.Logistic => eta >= 0 ? 1 / (1 + Math.Exp(-eta)) : Math.Exp(eta) / (1 + Math.Exp(eta)),
        _ => Math.Exp(eta),
    };

    /// <summary>Var(y)/φ at mean <paramref name="mu"/>; for canonical links also dμ/dη, so it is the IRLS weight.</summary>
    public static double Weight(GlmFamily family, double mu) => family == GlmFamily.Logistic ? mu * (1 - mu) : mu;

    /// <summary>
    /// log p(y | η). Logistic: y·η − log(1 + e^η) (the Bernoulli log-likelihood written in η so it
    /// stays finite for extreme η). Poisson: y·η − e^η − log(y!) with log(y!) = lnΓ(y + 1).
    /// </summary>
    public static double LogLikelihood(GlmFamily family, double y, double eta)
    {
        if (family == GlmFamily.Logistic)
            return y * eta - (eta > 0 ? eta + Math.Log(1 + Math.Exp(-eta)) : Math.Log(1 + Math.Exp(eta)));
        double ll = -Math.Exp(eta) - MathNet.Numerics.SpecialFunctions.GammaLn(y + 1);
        // 0·log 0 = 0: a zero count adds nothing even when η is −∞.
        return y == 0 ? ll : ll + y * eta;
    }

    /// <summary>Refuses outcomes the family cannot model.</summary>
    public static void CheckOutcome(GlmFamily family, double y, int row, string column)
    {
        bool ok = family == GlmFamily.Logistic ? y is 0 or 1 : y >= 0 && double.IsFinite(y);
        if (!ok)
        {
            string want = family == GlmFamily.Logistic ? "0 or 1" : "a non-negative count";
            throw Tabular.PrivateValues.Attach(new GlmFitException($"{family} regression: the outcome \"{column}\" must be {want}, but is not in record {row + 1}"),
                y.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>A GLM that cannot be fitted: separation, non-convergence, a singular design, or an unusable outcome.</summary>
public sealed class GlmFitException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public GlmFitException(string message) : base(Formula.OneLine(message)) { }
}
