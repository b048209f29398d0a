namespace DpSynth.Models.Twins;

/// <summary>
/// A fitted logistic or Poisson regression: coefficients, their model-based and robust (HC1)
/// covariances, and fit statistics. Produced by <see cref="GlmFitter.Fit"/>.
/// </summary>
public sealed class GlmFit
{
    private readonly double[] _beta;
    private readonly double[] _model;
    private readonly double[] _robust;

    internal GlmFit(GlmFamily family, DesignLayout layout, double[] beta, double[] model, double[] robust,
        int rows, int iterations, double logLikelihood)
    {
        Family = family;
        Layout = layout;
        _beta = beta;
        _model = model;
        _robust = robust;
        Rows = rows;
        Iterations = iterations;
        LogLikelihood = logLikelihood;
    }

    /// <summary>The model family.</summary>
    public GlmFamily Family { get; }

    /// <summary>The coding of the covariates (coefficient names, levels, references).</summary>
    public DesignLayout Layout { get; }

    /// <summary>Coefficient names, in the order of <see cref="Coefficients"/>.</summary>
    public IReadOnlyList<string> Names => Layout.CoefficientNames;

    /// <summary>The maximum-likelihood estimates.</summary>
    public IReadOnlyList<double> Coefficients => _beta;

    /// <summary>Number of records fitted (n).</summary>
    public int Rows { get; }

    /// <summary>Newton iterations taken.</summary>
    public int Iterations { get; }

    /// <summary>Log-likelihood at the estimate (Poisson: including −log(y!)).</summary>
    public double LogLikelihood { get; }

    /// <summary>The estimate of the coefficient called <paramref name="name"/>.</summary>
    public double Coefficient(string name) => _beta[IndexOf(name)];

    /// <summary>Covariance of the estimates as a p×p matrix.</summary>
    public double[,] Covariance(CovarianceKind kind = CovarianceKind.Robust)
    {
        var src = kind == CovarianceKind.Robust ? _robust : _model;
        int p = _beta.Length;
        var c = new double[p, p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) c[i, j] = src[i * p + j];
        return c;
    }

    /// <summary>Variance of each estimate (the diagonal of <see cref="Covariance"/>).</summary>
    public double[] Variances(CovarianceKind kind = CovarianceKind.Robust)
    {
        var src = kind == CovarianceKind.Robust ? _robust : _model;
        int p = _beta.Length;
        var v = new double[p];
        for (int i = 0; i < p; i++) v[i] = src[i * p + i];
        return v;
    }

    /// <summary>Standard error of each estimate.</summary>
    public double[] StandardErrors(CovarianceKind kind = CovarianceKind.Robust) =>
        Variances(kind).Select(Math.Sqrt).ToArray();

    /// <summary>Mean per-record log-likelihood of these coefficients on <paramref name="test"/> (built with the same layout).</summary>
    public double MeanLogLikelihood(DesignMatrix test) => GlmLogLikelihood.MeanPerRecord(Family, _beta, test);

    private int IndexOf(string name)
    {
        for (int i = 0; i < Names.Count; i++) if (Names[i] == name) return i;
        throw new ArgumentException($"No coefficient \"{name}\"; the coefficients are {string.Join(", ", Names)}.", nameof(name));
    }
}
