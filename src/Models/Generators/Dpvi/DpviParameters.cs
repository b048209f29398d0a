namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// One parameter vector θ of the DPVI model unpacked into the quantities the likelihood and the
/// sampler read: mixture weights, per component and covariate the category probabilities (or the
/// Gaussian's mean and log-sd), and the regression coefficients.
/// </summary>
public sealed class DpviParameters
{
    private readonly DpviLayout _layout;

    /// <summary>Allocates the tables for <paramref name="layout"/>.</summary>
    public DpviParameters(DpviLayout layout)
    {
        _layout = layout;
        int k = layout.Components;
        Weights = new double[k];
        LogWeights = new double[k];
        Probabilities = new double[layout.Covariates.Count][];
        LogProbabilities = new double[layout.Covariates.Count][];
        Means = new double[layout.Covariates.Count][];
        LogSds = new double[layout.Covariates.Count][];
        for (int j = 0; j < layout.Covariates.Count; j++)
        {
            var c = layout.Covariates[j];
            if (c.IsCategorical)
            {
                Probabilities[j] = new double[k * c.LevelCount];
                LogProbabilities[j] = new double[k * c.LevelCount];
            }
            else
            {
                Means[j] = new double[k];
                LogSds[j] = new double[k];
            }
        }
        Coefficients = new double[layout.Outcome is null ? 0 : layout.Features];
    }

    /// <summary>Mixture weights π (K).</summary>
    public double[] Weights { get; }

    /// <summary>ln π (K).</summary>
    public double[] LogWeights { get; }

    /// <summary>Per categorical covariate, component-major K × L category probabilities (null for numeric covariates).</summary>
    public double[]?[] Probabilities { get; }

    /// <summary>Per categorical covariate, the logarithms of <see cref="Probabilities"/>.</summary>
    public double[]?[] LogProbabilities { get; }

    /// <summary>Per numeric covariate, the K component means (standardised units; null for categorical covariates).</summary>
    public double[]?[] Means { get; }

    /// <summary>Per numeric covariate, the K component log standard deviations (standardised units).</summary>
    public double[]?[] LogSds { get; }

    /// <summary>Regression coefficients (intercept first; empty without an outcome).</summary>
    public double[] Coefficients { get; }

    /// <summary>Unpacks θ (length P).</summary>
    public void Set(ReadOnlySpan<double> theta)
    {
        int k = _layout.Components;
        double lse = DpviMath.Softmax(theta[..(k - 1)], Weights);
        for (int c = 0; c < k - 1; c++) LogWeights[c] = theta[c] - lse;
        LogWeights[k - 1] = -lse;
        for (int j = 0; j < _layout.Covariates.Count; j++)
        {
            var cov = _layout.Covariates[j];
            int off = cov.Offset;
            if (cov.IsCategorical)
            {
                int l = cov.LevelCount;
                var p = Probabilities[j]!;
                var lp = LogProbabilities[j]!;
                for (int c = 0; c < k; c++)
                {
                    var logits = theta.Slice(off + c * (l - 1), l - 1);
                    double z = DpviMath.Softmax(logits, p.AsSpan(c * l, l));
                    for (int v = 0; v < l - 1; v++) lp[c * l + v] = logits[v] - z;
                    lp[c * l + l - 1] = -z;
                }
            }
            else
            {
                for (int c = 0; c < k; c++)
                {
                    Means[j]![c] = theta[off + 2 * c];
                    LogSds[j]![c] = theta[off + 2 * c + 1];
                }
            }
        }
        if (Coefficients.Length > 0) theta.Slice(_layout.CoefficientOffset, Coefficients.Length).CopyTo(Coefficients);
    }

    /// <summary>
    /// The regression's linear predictor for one row given its categorical codes and standardised
    /// numeric values (indexed by covariate; the entries of the other kind are ignored).
    /// </summary>
    public double LinearPredictor(ReadOnlySpan<int> codes, ReadOnlySpan<double> values)
    {
        double eta = Coefficients[0];
        for (int r = 0; r < _layout.RegressionCovariates.Count; r++)
        {
            int j = _layout.RegressionCovariates[r];
            int f = _layout.FeatureOffsets[r];
            if (_layout.Covariates[j].IsCategorical)
            {
                if (codes[j] > 0) eta += Coefficients[f + codes[j] - 1];
            }
            else eta += Coefficients[f] * values[j];
        }
        return eta;
    }
}
