namespace DpSynth.Models.Twins;

/// <summary>
/// Mean per-record log-likelihood of GLM coefficients on held-out data — the utility measure of
/// Prediger et al. (2023): higher is better, and it rewards calibrated predictions rather than
/// coefficient accuracy alone. Logistic: mean of yᵢηᵢ − log(1 + e^ηᵢ) (Bernoulli). Poisson: mean
/// of yᵢηᵢ − e^ηᵢ − log(yᵢ!) (the full Poisson log-likelihood, so values are comparable across
/// studies), with ηᵢ = xᵢᵀβ + offsetᵢ.
/// </summary>
public static class GlmLogLikelihood
{
    /// <summary>Mean per-record log-likelihood of <paramref name="coefficients"/> on <paramref name="test"/>.</summary>
    /// <param name="family">The model family.</param>
    /// <param name="coefficients">One per column of <paramref name="test"/> (e.g. a fit's or pooled estimates).</param>
    /// <param name="test">The test records, coded with the layout the coefficients belong to.</param>
    /// <exception cref="GlmFitException">A test outcome is impossible for the family.</exception>
    public static double MeanPerRecord(GlmFamily family, IReadOnlyList<double> coefficients, DesignMatrix test)
    {
        if (coefficients.Count != test.Columns)
            throw new ArgumentException($"{coefficients.Count} coefficients for a design with {test.Columns} columns.", nameof(coefficients));
        if (test.Rows == 0) throw new ArgumentException("The test set has no records.", nameof(test));
        var y = test.Outcome;
        var off = test.Offset;
        var beta = coefficients.ToArray();
        double sum = 0;
        for (int i = 0; i < test.Rows; i++)
        {
            GlmFamilies.CheckOutcome(family, y[i], i, test.Layout.Formula.Outcome);
            var row = test.Row(i);
            double eta = off[i];
            for (int j = 0; j < beta.Length; j++) eta += row[j] * beta[j];
            sum += GlmFamilies.LogLikelihood(family, y[i], eta);
        }
        return sum / test.Rows;
    }
}
