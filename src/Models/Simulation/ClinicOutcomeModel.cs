namespace DpSynth.Models.Simulation;

/// <summary>Which regression family an outcome column of the clinic table was drawn from.</summary>
public enum OutcomeFamily
{
    /// <summary>A count drawn from Poisson(exp(η)).</summary>
    Poisson,
    /// <summary>A boolean drawn from Bernoulli(1 / (1 + exp(−η))).</summary>
    Logistic,
}

/// <summary>
/// The true generating model of one outcome of the clinic table, so that a study can measure
/// coefficient error and interval coverage. The linear predictor is
/// η = intercept + Σ coefficient[column[level]] over the covariate levels of the row; reference
/// levels (listed in <see cref="ReferenceLevels"/>) have no coefficient (effect 0).
/// Coefficient names are "intercept" and "column[level]", e.g. "age_group[50-64]", "smoker[true]".
/// </summary>
/// <param name="Outcome">Name of the outcome column.</param>
/// <param name="Family">The regression family.</param>
/// <param name="Coefficients">Coefficient name → true value (on the log-rate or log-odds scale).</param>
/// <param name="ReferenceLevels">Covariate column → its reference level.</param>
public sealed record ClinicOutcomeModel(
    string Outcome,
    OutcomeFamily Family,
    IReadOnlyDictionary<string, double> Coefficients,
    IReadOnlyDictionary<string, string> ReferenceLevels)
{
    /// <summary>The covariate columns of the model (those with a reference level), e.g. for a formula.</summary>
    public IEnumerable<string> Covariates => ReferenceLevels.Keys;

    /// <summary>The formula in the twins analysis syntax, e.g. "visits ~ age_group + sex + …".</summary>
    public string Formula => $"{Outcome} ~ {string.Join(" + ", ReferenceLevels.Keys)}";

    /// <summary>η for a row given each covariate's level.</summary>
    /// <param name="levelOf">Covariate column → level of the row.</param>
    public double LinearPredictor(Func<string, string> levelOf)
    {
        double eta = Coefficients["intercept"];
        foreach (var column in ReferenceLevels.Keys)
            if (Coefficients.TryGetValue($"{column}[{levelOf(column)}]", out double b)) eta += b;
        return eta;
    }
}
