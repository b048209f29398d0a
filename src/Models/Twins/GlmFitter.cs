using System.Globalization;

namespace DpSynth.Models.Twins;

/// <summary>Convergence settings of <see cref="GlmFitter"/>.</summary>
public sealed record GlmFitOptions
{
    /// <summary>Most Newton iterations before giving up (R's glm uses 25; doubles converge well within 50).</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>Converged when |D − D_prev| / (|D| + 0.1) falls below this, D = −2·log-likelihood (R's glm rule, tighter).</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Converged also needs every coefficient's last change below this, relative to |β| + 0.1.</summary>
    public double StepTolerance { get; init; } = 1e-8;

    /// <summary>Most halvings of one Newton step while it fails to reduce D.</summary>
    public int MaxStepHalvings { get; init; } = 30;
}

/// <summary>
/// Fits logistic and Poisson regressions by Newton's method, which for these canonical-link
/// families is IRLS: β ← β + (XᵀWX)⁻¹ Xᵀ(y − μ), W = diag(Var(μᵢ)). A step that does not reduce
/// the deviance is halved (as in R's glm.fit). Failures — a singular design, a separated
/// logistic outcome, a Poisson category without events, non-convergence — are refused with a
/// one-line <see cref="GlmFitException"/> naming the coefficient involved.
/// </summary>
public static class GlmFitter
{
    /// <summary>Columns whose unexplained share of the (scaled) Gram diagonal is below this are collinear.</summary>
    private const double CollinearityTolerance = 1e-10;

    /// <summary>A model variance above this (SE &gt; 100 on the log scale) with fitted values at their bounds means separation.</summary>
    private const double SeparationVariance = 1e4;

    /// <summary>Fits <paramref name="family"/> to <paramref name="x"/>.</summary>
    /// <exception cref="GlmFitException">The model cannot be fitted (one-line reason).</exception>
    public static GlmFit Fit(DesignMatrix x, GlmFamily family, GlmFitOptions? options = null)
    {
        options ??= new GlmFitOptions();
        int n = x.Rows, p = x.Columns;
        string outcome = x.Layout.Formula.Outcome;
        if (n <= p) throw new GlmFitException($"{family} regression \"{x.Layout.Formula}\": needs more records ({n}) than coefficients ({p})");
        var y = x.Outcome;
        for (int i = 0; i < n; i++) GlmFamilies.CheckOutcome(family, y[i], i, outcome);
        CheckRank(x);

        var beta = InitialEstimate(x, family);
        var eta = new double[n];
        var mu = new double[n];
        double dev = Deviance(x, family, beta, eta, mu);
        if (!double.IsFinite(dev))
        {
            // A wild start (e.g. huge counts with an offset): fall back to β = 0.
            Array.Clear(beta);
            dev = Deviance(x, family, beta, eta, mu);
        }
        var step = new double[p];
        var trial = new double[p];
        int iter = 0;
        bool converged = false;
        while (iter < options.MaxIterations)
        {
            iter++;
            var chol = Information(x, family, mu, out _)
                ?? throw new GlmFitException(Diverging(x, family, beta, eta, "the information matrix became singular"));
            for (int j = 0; j < p; j++) step[j] = 0;
            for (int i = 0; i < n; i++)
            {
                double r = y[i] - mu[i];
                var row = x.Row(i);
                for (int j = 0; j < p; j++) step[j] += row[j] * r;
            }
            chol.Solve(step);

            double scale = 1, newDev = double.NaN;
            for (int h = 0; h <= options.MaxStepHalvings; h++, scale *= 0.5)
            {
                for (int j = 0; j < p; j++) trial[j] = beta[j] + scale * step[j];
                newDev = Deviance(x, family, trial, eta, mu);
                // A small slack: near the optimum rounding can make D tick up by an ulp.
                if (double.IsFinite(newDev) && newDev <= dev + 1e-12 * (Math.Abs(dev) + 1)) break;
                newDev = double.NaN;
            }
            if (double.IsNaN(newDev))
            {
                Deviance(x, family, beta, eta, mu);
                throw new GlmFitException(Diverging(x, family, beta, eta,
                    $"no step along the Newton direction reduced the deviance after {options.MaxStepHalvings} halvings"));
            }
            double largestStep = 0;
            for (int j = 0; j < p; j++) largestStep = Math.Max(largestStep, Math.Abs(trial[j] - beta[j]) / (Math.Abs(beta[j]) + 0.1));
            Array.Copy(trial, beta, p);
            double change = Math.Abs(newDev - dev) / (Math.Abs(newDev) + 0.1);
            dev = newDev;
            // The deviance is flat near the optimum (an error ε in β moves it by ε²), so the
            // step size is checked too; under separation the steps never shrink, which makes
            // separation end in the "did not converge" branch and be explained there.
            if (change < options.Tolerance && largestStep < options.StepTolerance) { converged = true; break; }
        }
        if (!converged)
            throw new GlmFitException(Diverging(x, family, beta, eta, $"did not converge in {options.MaxIterations} iterations"));

        var information = Information(x, family, mu, out _)
            ?? throw new GlmFitException(Diverging(x, family, beta, eta, "the information matrix is singular at the estimate"));
        var bread = information.Inverse();
        // Under separation Newton's deviance criterion is met while β still drifts to infinity:
        // the tell-tale is fitted values at their bounds together with an exploding variance.
        if (ExtremeRow(x, family, eta) >= 0 && MaxVarianceIndex(bread, p, out double maxVar) >= 0 && maxVar > SeparationVariance)
            throw new GlmFitException(Diverging(x, family, beta, eta, "the estimate is at infinity", MaxVarianceIndex(bread, p, out _)));
        var robust = RobustCovariance.Hc1(x, mu, bread);
        double ll = 0;
        for (int i = 0; i < n; i++) ll += GlmFamilies.LogLikelihood(family, y[i], eta[i]);
        return new GlmFit(family, x.Layout, beta, bread, robust, n, iter, ll);
    }

    /// <summary>
    /// Refuses a rank-deficient X before iterating, naming the first column that is a linear
    /// combination of earlier ones (typically a level that no record has, or a constant column
    /// beside the intercept). The Gram matrix is scaled to unit diagonal so the test is scale-free.
    /// </summary>
    private static void CheckRank(DesignMatrix x)
    {
        int n = x.Rows, p = x.Columns;
        var gram = new double[p * p];
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            for (int a = 0; a < p; a++)
            {
                double xa = row[a];
                if (xa == 0) continue;
                for (int b = 0; b <= a; b++) gram[a * p + b] += xa * row[b];
            }
        }
        for (int a = 0; a < p; a++)
            if (gram[a * p + a] == 0)
                throw new GlmFitException($"singular design: column {x.Layout.CoefficientNames[a]} is zero in every record{EmptyLevelHint(x, a)}");
        var scaled = new double[p * p];
        for (int a = 0; a < p; a++)
            for (int b = 0; b <= a; b++)
                scaled[a * p + b] = gram[a * p + b] / Math.Sqrt(gram[a * p + a] * gram[b * p + b]);
        if (Cholesky.TryFactor(scaled, p, CollinearityTolerance, out int bad) is null)
            throw new GlmFitException($"singular design: column {x.Layout.CoefficientNames[bad]} is a linear combination of the columns before it");
    }

    private static string EmptyLevelHint(DesignMatrix x, int column)
    {
        foreach (var t in x.Layout.Terms)
            if (t.IsCategorical && column >= t.FirstCoefficient && column < t.FirstCoefficient + t.CoefficientCount)
                return $" (level \"{t.Levels[column - t.FirstCoefficient + 1]}\" of {t.Column} has no records here)";
        return "";
    }

    /// <summary>XᵀWX at <paramref name="mu"/>, factorised; null when not positive definite.</summary>
    private static Cholesky? Information(DesignMatrix x, GlmFamily family, ReadOnlySpan<double> mu, out double[] h)
    {
        int n = x.Rows, p = x.Columns;
        h = new double[p * p];
        for (int i = 0; i < n; i++)
        {
            double w = GlmFamilies.Weight(family, mu[i]);
            var row = x.Row(i);
            for (int a = 0; a < p; a++)
            {
                double wa = w * row[a];
                if (wa == 0) continue;
                for (int b = 0; b <= a; b++) h[a * p + b] += wa * row[b];
            }
        }
        return Cholesky.TryFactor(h, p, 1e-14, out _);
    }

    /// <summary>
    /// One IRLS step from a mean close to the data (as R's glm starts: logistic μ = (y + ½)/2,
    /// Poisson μ = y + 0.1), i.e. a weighted least-squares fit of the working response. Starting
    /// at β = 0 instead can overshoot badly for large counts.
    /// </summary>
    private static double[] InitialEstimate(DesignMatrix x, GlmFamily family)
    {
        int n = x.Rows, p = x.Columns;
        var y = x.Outcome;
        var off = x.Offset;
        var mu0 = new double[n];
        var rhs = new double[p];
        for (int i = 0; i < n; i++)
        {
            double mu = family == GlmFamily.Logistic ? (y[i] + 0.5) / 2 : y[i] + 0.1;
            double eta = family == GlmFamily.Logistic ? Math.Log(mu / (1 - mu)) : Math.Log(mu);
            mu0[i] = mu;
            // Working response z = η + (y − μ)/(dμ/dη), minus the offset which is not estimated.
            double z = eta - off[i] + (y[i] - mu) / GlmFamilies.Weight(family, mu);
            double wz = GlmFamilies.Weight(family, mu) * z;
            var row = x.Row(i);
            for (int j = 0; j < p; j++) rhs[j] += row[j] * wz;
        }
        var chol = Information(x, family, mu0, out _);
        if (chol is null) return new double[p];
        chol.Solve(rhs);
        return rhs;
    }

    /// <summary>D = −2·Σ log p(yᵢ | ηᵢ) without the Poisson log(y!) constant; fills η and μ.</summary>
    private static double Deviance(DesignMatrix x, GlmFamily family, ReadOnlySpan<double> beta, Span<double> eta, Span<double> mu)
    {
        int n = x.Rows, p = x.Columns;
        var y = x.Outcome;
        var off = x.Offset;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var row = x.Row(i);
            double e = off[i];
            for (int j = 0; j < p; j++) e += row[j] * beta[j];
            eta[i] = e;
            mu[i] = GlmFamilies.Mean(family, e);
            sum += family == GlmFamily.Logistic
                ? GlmFamilies.LogLikelihood(family, y[i], e)
                : (y[i] == 0 ? 0 : y[i] * e) - mu[i];
        }
        return -2 * sum;
    }

    /// <summary>The first record whose fitted value sits at a bound (probability 0 or 1, or a Poisson mean of 0 with y = 0), or −1.</summary>
    private static int ExtremeRow(DesignMatrix x, GlmFamily family, ReadOnlySpan<double> eta)
    {
        var off = x.Offset;
        for (int i = 0; i < x.Rows; i++)
        {
            double lp = eta[i] - off[i];
            if (family == GlmFamily.Logistic ? Math.Abs(eta[i]) > GlmFamilies.ExtremeEta : lp < -GlmFamilies.ExtremeEta)
                return i;
        }
        return -1;
    }

    private static int MaxVarianceIndex(ReadOnlySpan<double> cov, int p, out double max)
    {
        int best = 0;
        for (int j = 1; j < p; j++) if (cov[j * p + j] > cov[best * p + best]) best = j;
        max = cov[best * p + best];
        return best;
    }

    /// <summary>Explains a failed fit, naming the likeliest culprit: separation when fitted values hit their bounds, else the largest coefficient.</summary>
    private static string Diverging(DesignMatrix x, GlmFamily family, ReadOnlySpan<double> beta, ReadOnlySpan<double> eta, string what, int culprit = -1)
    {
        int worst = culprit >= 0 ? culprit : 0;
        if (culprit < 0)
            for (int j = 1; j < beta.Length; j++)
                if (!(Math.Abs(beta[j]) <= Math.Abs(beta[worst]))) worst = j;
        string name = x.Layout.CoefficientNames[worst];
        string value = beta[worst].ToString("G4", CultureInfo.InvariantCulture);
        string prefix = $"{family} regression \"{x.Layout.Formula}\": {what}";
        if (ExtremeRow(x, family, eta) >= 0)
        {
            string cause = family == GlmFamily.Logistic
                ? "the outcome is (quasi-)completely separated by the covariates"
                : "some covariate pattern has no events (all counts zero)";
            return $"{prefix}; {cause}: coefficient {name} diverges (reached {value}); merge or drop the level or covariate";
        }
        return $"{prefix}; largest coefficient {name} = {value}";
    }
}
