using DpSynth.Kernels.Random;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// The negative ELBO of the DPVI model per record, as an <see cref="IPerExampleObjective"/> over the
/// variational parameters w = (μ, ρ) (2P values, q(θ) = N(μ, softplus(ρ)²) per coordinate), with
/// one reparameterised draw θ = μ + softplus(ρ)·η, η ~ N(0, I), per step:
/// <list type="bullet">
/// <item>ℓᵢ(w) = −ln p(xᵢ, yᵢ | θ) = −ln Σₖ πₖ Πⱼ p(xᵢⱼ | θₖⱼ) − ln p(yᵢ | xᵢ, β) (log-sum-exp);</item>
/// <item>R(w) = −ln p(θ) − H(q) with the analytic entropy H = Σ ln softplus(ρ) + const.</item>
/// </list>
/// Gradients are written by hand: with responsibilities rₖ, ∂ln p/∂a_l = r_l − π_l for the mixture
/// logits; r_k(δ_{c,l} − θ_kl) for category logits; rₖ(z − m)/v and rₖ((z − m)²/v − 1) for a
/// Gaussian's mean and log-sd; (y − E[y | x])·x for the coefficients. The chain rule to (μ, ρ) is
/// ∂/∂μ = ∂/∂θ and ∂/∂ρ = ∂/∂θ · η · sigmoid(ρ).
/// </summary>
public sealed class DpviObjective : IPerExampleObjective
{
    private readonly double _population;
    private readonly DpviLayout _layout;
    private readonly DpviData _data;
    private readonly DpviOptions _options;
    private readonly DpviParameters _unpacked;
    private readonly int _p;
    private readonly double[] _prior, _eta, _sigmoid, _softplus, _theta, _u, _r, _values, _invVar, _logNorm;
    private readonly int[] _codes;
    private readonly float[] _draw;

    /// <summary>Creates the objective over the encoded private data.</summary>
    /// <param name="layout">The public layout.</param>
    /// <param name="data">The encoded private rows.</param>
    /// <param name="options">Settings.</param>
    /// <param name="population">The public record count Ñ (DP or declared) that scales the prior and entropy terms by 1/Ñ; null uses the exact N (tests only: it would make the per-example objective depend on N).</param>
    public DpviObjective(DpviLayout layout, DpviData data, DpviOptions options, double? population = null)
    {
        _population = population ?? data.Rows;
        _layout = layout;
        _data = data;
        _options = options;
        _p = layout.ParameterCount;
        _unpacked = new DpviParameters(layout);
        _eta = new double[_p];
        _prior = new double[_p];
        _sigmoid = new double[_p];
        _softplus = new double[_p];
        _theta = new double[_p];
        _draw = new float[_p];
        _u = new double[layout.Components];
        _r = new double[layout.Components];
        _codes = new int[layout.Covariates.Count];
        _values = new double[layout.Covariates.Count];
        _invVar = new double[layout.Covariates.Count * layout.Components];
        _logNorm = new double[layout.Covariates.Count * layout.Components];
    }

    /// <inheritdoc />
    public int ParameterCount => 2 * _p;

    /// <inheritdoc />
    public int Records => _data.Rows;

    /// <summary>The reparameterisation draw η of the current step (length P).</summary>
    public ReadOnlySpan<double> Eta => _eta;

    /// <summary>θ = μ + softplus(ρ)·η of the current step.</summary>
    public ReadOnlySpan<double> Theta => _theta;

    /// <summary>η of step s is elements s·P .. s·P + P − 1 of <paramref name="key"/>'s Gaussian stream.</summary>
    public void BeginStep(ReadOnlySpan<double> parameters, long step, NoiseKey key)
    {
        GaussianStream.Fill(key, (ulong)step * (ulong)_p, _draw);
        for (int j = 0; j < _p; j++) _eta[j] = _draw[j];
        SetParameters(parameters);
    }

    /// <summary>Sets w with the current η kept (tests use it for finite differences at a fixed draw).</summary>
    public void SetParameters(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != 2 * _p) throw new ArgumentException($"DPVI has {2 * _p} variational parameters, got {parameters.Length}.");
        for (int j = 0; j < _p; j++)
        {
            double rho = parameters[_p + j];
            _softplus[j] = DpviMath.Softplus(rho);
            _sigmoid[j] = DpviMath.Sigmoid(rho);
            _theta[j] = parameters[j] + _softplus[j] * _eta[j];
        }
        _unpacked.Set(_theta);
        int k = _layout.Components;
        for (int j = 0; j < _layout.Covariates.Count; j++)
        {
            if (_layout.Covariates[j].IsCategorical) continue;
            for (int c = 0; c < k; c++)
            {
                double s = _unpacked.LogSds[j]![c];
                _invVar[j * k + c] = Math.Exp(-2 * s);
                _logNorm[j * k + c] = -s - 0.5 * Math.Log(2 * Math.PI);
            }
        }
    }

    /// <summary>Sets η explicitly (tests); call <see cref="SetParameters"/> afterwards.</summary>
    public void SetEta(ReadOnlySpan<double> eta) => eta.CopyTo(_eta);

    /// <inheritdoc />
    public double ExampleGradient(int record, Span<double> gradient)
    {
        int k = _layout.Components, p = _p;
        var g = gradient[..p];
        g.Clear();
        var covariates = _layout.Covariates;
        for (int c = 0; c < k; c++) _u[c] = _unpacked.LogWeights[c];
        for (int j = 0; j < covariates.Count; j++)
        {
            if (covariates[j].IsCategorical)
            {
                int code = _codes[j] = _data.Codes[j]![record];
                int l = covariates[j].LevelCount;
                var lp = _unpacked.LogProbabilities[j]!;
                for (int c = 0; c < k; c++) _u[c] += lp[c * l + code];
            }
            else
            {
                double z = _values[j] = _data.Values[j]![record];
                var m = _unpacked.Means[j]!;
                for (int c = 0; c < k; c++)
                {
                    double d = z - m[c];
                    _u[c] += _logNorm[j * k + c] - 0.5 * d * d * _invVar[j * k + c];
                }
            }
        }
        double max = double.NegativeInfinity;
        for (int c = 0; c < k; c++) max = Math.Max(max, _u[c]);
        double sum = 0;
        for (int c = 0; c < k; c++) sum += _r[c] = Math.Exp(_u[c] - max);
        double logLik = max + Math.Log(sum);
        for (int c = 0; c < k; c++) _r[c] /= sum;

        // g holds ∂(−ln p)/∂θ.
        for (int l = 0; l < k - 1; l++) g[l] = _unpacked.Weights[l] - _r[l];
        for (int j = 0; j < covariates.Count; j++)
        {
            var cov = covariates[j];
            int off = cov.Offset;
            if (cov.IsCategorical)
            {
                int l = cov.LevelCount, code = _codes[j];
                var prob = _unpacked.Probabilities[j]!;
                for (int c = 0; c < k; c++)
                {
                    double rc = _r[c];
                    int b = off + c * (l - 1);
                    for (int v = 0; v < l - 1; v++) g[b + v] = rc * prob[c * l + v];
                    if (code < l - 1) g[b + code] -= rc;
                }
            }
            else
            {
                double z = _values[j];
                var m = _unpacked.Means[j]!;
                for (int c = 0; c < k; c++)
                {
                    double d = z - m[c], iv = _invVar[j * k + c], rc = _r[c];
                    g[off + 2 * c] = -rc * d * iv;
                    g[off + 2 * c + 1] = -rc * (d * d * iv - 1);
                }
            }
        }

        if (_layout.Outcome is { } outcome)
        {
            double y = _data.Outcome![record];
            double eta = _unpacked.LinearPredictor(_codes, _values);
            double residual;
            if (outcome.Family == DpviOutcomeFamily.Poisson)
            {
                double e = Math.Min(eta, MaxLogRate);
                double rate = Math.Exp(e);
                logLik += y * e - rate - DpviMath.LogFactorial(y);
                residual = y - rate;
            }
            else
            {
                logLik += y * eta - DpviMath.Softplus(eta);
                residual = y - DpviMath.Sigmoid(eta);
            }
            int co = _layout.CoefficientOffset;
            g[co] = -residual;
            for (int r = 0; r < _layout.RegressionCovariates.Count; r++)
            {
                int j = _layout.RegressionCovariates[r], f = co + _layout.FeatureOffsets[r];
                if (covariates[j].IsCategorical)
                {
                    if (_codes[j] > 0) g[f + _codes[j] - 1] = -residual;
                }
                else g[f] = -residual * _values[j];
            }
        }

        for (int j = 0; j < p; j++) gradient[p + j] = g[j] * _eta[j] * _sigmoid[j];
        return -logLik;
    }

    /// <summary>The Poisson log-rate is capped here (e^50 is far beyond any count) so that a wild draw cannot overflow.</summary>
    public const double MaxLogRate = 50;

    /// <inheritdoc />
    public void AddDataIndependentGradient(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        var gp = _prior;
        PriorGradient(gp);
        double scale = 1.0 / _population;
        for (int j = 0; j < _p; j++)
        {
            gradient[j] += scale * gp[j];
            gradient[_p + j] += scale * (gp[j] * _eta[j] * _sigmoid[j] - _sigmoid[j] / _softplus[j]);
        }
    }

    /// <summary>R(w)/N at the current w and η: (−ln p(θ) − Σ ln softplus(ρ))/N, up to a constant.</summary>
    public double DataIndependentObjective()
    {
        double entropy = 0;
        for (int j = 0; j < _p; j++) entropy += Math.Log(_softplus[j]);
        return (-LogPrior() - entropy) / _population;
    }

    /// <summary>ln p(θ) of the current θ: ALR-Dirichlet priors on the simplices, Gaussian priors elsewhere (normalised).</summary>
    public double LogPrior()
    {
        int k = _layout.Components;
        var o = _options;
        double lp = DpviMath.AlrDirichletLogDensity(_theta.AsSpan(0, k - 1), o.MixtureConcentration);
        foreach (var cov in _layout.Covariates)
        {
            if (cov.IsCategorical)
            {
                int l = cov.LevelCount;
                for (int c = 0; c < k; c++)
                    lp += DpviMath.AlrDirichletLogDensity(_theta.AsSpan(cov.Offset + c * (l - 1), l - 1), o.CategoryConcentration);
            }
            else
                for (int c = 0; c < k; c++)
                {
                    lp += NormalLogDensity(_theta[cov.Offset + 2 * c], 0, o.MeanPriorSd);
                    lp += NormalLogDensity(_theta[cov.Offset + 2 * c + 1], o.LogSdPriorMean, o.LogSdPriorSd);
                }
        }
        for (int j = _layout.CoefficientOffset; j < _p; j++) lp += NormalLogDensity(_theta[j], 0, o.CoefficientPriorSd);
        return lp;
    }

    private static double NormalLogDensity(double x, double mean, double sd)
    {
        double z = (x - mean) / sd;
        return -0.5 * z * z - Math.Log(sd) - 0.5 * Math.Log(2 * Math.PI);
    }

    /// <summary>Writes ∂(−ln p(θ))/∂θ at the current θ into <paramref name="gradient"/> (length P).</summary>
    public void PriorGradient(Span<double> gradient)
    {
        int k = _layout.Components;
        var o = _options;
        // ALR-Dirichlet: ∂/∂a_l α·Σ ln πₖ = α − Kα·π_l.
        for (int l = 0; l < k - 1; l++) gradient[l] = -(o.MixtureConcentration - k * o.MixtureConcentration * _unpacked.Weights[l]);
        for (int j = 0; j < _layout.Covariates.Count; j++)
        {
            var cov = _layout.Covariates[j];
            if (cov.IsCategorical)
            {
                int l = cov.LevelCount;
                double a = o.CategoryConcentration;
                var prob = _unpacked.Probabilities[j]!;
                for (int c = 0; c < k; c++)
                    for (int v = 0; v < l - 1; v++)
                        gradient[cov.Offset + c * (l - 1) + v] = -(a - l * a * prob[c * l + v]);
            }
            else
            {
                double im = 1 / (o.MeanPriorSd * o.MeanPriorSd), isd = 1 / (o.LogSdPriorSd * o.LogSdPriorSd);
                for (int c = 0; c < k; c++)
                {
                    gradient[cov.Offset + 2 * c] = _theta[cov.Offset + 2 * c] * im;
                    gradient[cov.Offset + 2 * c + 1] = (_theta[cov.Offset + 2 * c + 1] - o.LogSdPriorMean) * isd;
                }
            }
        }
        double ib = 1 / (o.CoefficientPriorSd * o.CoefficientPriorSd);
        for (int j = _layout.CoefficientOffset; j < _p; j++) gradient[j] = _theta[j] * ib;
    }
}
