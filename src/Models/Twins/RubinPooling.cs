using MathNet.Numerics.Distributions;

namespace DpSynth.Models.Twins;

/// <summary>
/// One coefficient pooled over M analysed datasets by Rubin's rules for fully synthetic data.
/// </summary>
/// <param name="Name">Coefficient name.</param>
/// <param name="Estimate">q̄ = (1/M) Σ qₘ.</param>
/// <param name="BetweenVariance">B = Σ (qₘ − q̄)² / (M − 1).</param>
/// <param name="MeanWithinVariance">Ū = (1/M) Σ uₘ.</param>
/// <param name="RawTotalVariance">T = (1 + 1/M)·B − Ū, which may be ≤ 0.</param>
/// <param name="TotalVariance">The variance used: T when T &gt; 0, else the fallback (n_syn/n)·Ū.</param>
/// <param name="UsedFallback">Whether T ≤ 0 and the fallback was used.</param>
/// <param name="DegreesOfFreedom">ν of the t reference distribution; +∞ when the normal is used.</param>
/// <param name="StandardError">√<paramref name="TotalVariance"/>.</param>
/// <param name="Lower95">Lower end of the 95% interval.</param>
/// <param name="Upper95">Upper end of the 95% interval.</param>
public sealed record PooledCoefficient(
    string Name, double Estimate, double BetweenVariance, double MeanWithinVariance, double RawTotalVariance,
    double TotalVariance, bool UsedFallback, double DegreesOfFreedom, double StandardError, double Lower95, double Upper95);

/// <summary>A GLM pooled across M datasets: the pooled coefficients and the shared coding.</summary>
/// <param name="Family">The model family.</param>
/// <param name="Layout">The coefficient layout all pooled fits share.</param>
/// <param name="Coefficients">The pooled coefficients, in layout order.</param>
/// <param name="Datasets">M, the number of datasets pooled.</param>
public sealed record PooledFit(GlmFamily Family, DesignLayout Layout, IReadOnlyList<PooledCoefficient> Coefficients, int Datasets)
{
    /// <summary>The pooled point estimates q̄, in layout order.</summary>
    public double[] Estimates => Coefficients.Select(c => c.Estimate).ToArray();

    /// <summary>Mean per-record log-likelihood of the pooled estimates on <paramref name="test"/> (same layout).</summary>
    public double MeanLogLikelihood(DesignMatrix test) => GlmLogLikelihood.MeanPerRecord(Family, Estimates, test);
}

/// <summary>
/// Rubin's combining rules for FULLY synthetic data (Raghunathan, Reiter &amp; Rubin 2003,
/// J. Official Statistics 19(1), eqs. for q̄_M, b_M, ū_M, T_f, ν_f), applied per coefficient:
/// <list type="bullet">
/// <item>q̄ = (1/M) Σₘ qₘ; B = (1/(M−1)) Σₘ (qₘ − q̄)²; Ū = (1/M) Σₘ uₘ;</item>
/// <item>T = (1 + 1/M)·B − Ū (not the "+ Ū" of multiple imputation for missing data: in fully
/// synthetic data the between-dataset spread already contains the sampling variance, and Ū is
/// subtracted to avoid counting it twice);</item>
/// <item>ν = (M − 1)·(1 − Ū / ((1 + 1/M)·B))², defined when T &gt; 0; the 95% interval is
/// q̄ ± t_{ν, 0.975}·√T, with the normal quantile when ν &gt; 10⁶.</item>
/// </list>
/// <b>Fallback when T ≤ 0</b> (Reiter 2002, J. Official Statistics 18(4), "Satisfying disclosure
/// restrictions with synthetic data sets"): T* = max(0, T) + δ·(n_syn/n)·Ū with δ = 1 when T ≤ 0 —
/// that is, T is replaced by (n_syn/n)·Ū, where n_syn is the size of each synthetic dataset and n
/// the size of the data it replaces (ratio 1 by default, as twins are released at the original
/// size). ν is then undefined and the interval uses the normal quantile 1.96.
/// </summary>
public static class RubinPooling
{
    /// <summary>Above this ν the t quantile is indistinguishable from the normal one.</summary>
    private const double NormalDegreesOfFreedom = 1e6;

    /// <summary>Pools one scalar estimate over M ≥ 2 datasets.</summary>
    /// <param name="name">Coefficient name, carried into the result.</param>
    /// <param name="estimates">qₘ, one per dataset.</param>
    /// <param name="variances">uₘ, the within-dataset variance of each qₘ.</param>
    /// <param name="syntheticToOriginalRatio">n_syn/n for the T ≤ 0 fallback.</param>
    public static PooledCoefficient Pool(string name, IReadOnlyList<double> estimates, IReadOnlyList<double> variances,
        double syntheticToOriginalRatio = 1)
    {
        int m = estimates.Count;
        if (m < 2) throw new ArgumentException($"Rubin's rules for synthetic data need at least 2 datasets, got {m}.", nameof(estimates));
        if (variances.Count != m) throw new ArgumentException($"{m} estimates but {variances.Count} variances.", nameof(variances));
        if (!(syntheticToOriginalRatio > 0)) throw new ArgumentOutOfRangeException(nameof(syntheticToOriginalRatio), "n_syn/n must be positive.");
        double qBar = 0, uBar = 0;
        for (int i = 0; i < m; i++)
        {
            if (!double.IsFinite(estimates[i]) || !(variances[i] >= 0))
                throw new ArgumentException($"Coefficient {name}: dataset {i + 1} has estimate {estimates[i]} and variance {variances[i]}.");
            qBar += estimates[i];
            uBar += variances[i];
        }
        qBar /= m;
        uBar /= m;
        double b = 0;
        for (int i = 0; i < m; i++) b += (estimates[i] - qBar) * (estimates[i] - qBar);
        b /= m - 1;

        double inflatedB = (1 + 1.0 / m) * b;
        double t = inflatedB - uBar;
        bool fallback = !(t > 0);
        double total, df;
        if (fallback)
        {
            // Reiter (2002): T* = max(0, T) + (n_syn/n)·Ū when T ≤ 0; max(0, T) is 0 here.
            total = syntheticToOriginalRatio * uBar;
            df = double.PositiveInfinity;
        }
        else
        {
            total = t;
            double share = 1 - uBar / inflatedB;
            df = (m - 1) * share * share;
            if (df > NormalDegreesOfFreedom) df = double.PositiveInfinity;
        }
        double se = Math.Sqrt(total);
        double quantile = double.IsPositiveInfinity(df) ? Normal.InvCDF(0, 1, 0.975) : TwoSidedT95(df);
        return new PooledCoefficient(name, qBar, b, uBar, t, total, fallback, df, se, qBar - quantile * se, qBar + quantile * se);
    }

    /// <summary>
    /// t_{ν, 0.975}. ν from the synthetic-data rule can be far below 1 (T barely positive), where
    /// the quantile is astronomically large and a general root finder gives up; so solve
    /// P(|T| &gt; t) = I_x(ν/2, 1/2) = 0.05 with x = ν/(ν + t²) by bisection on log x, which is
    /// monotone and exact to rounding. Returns +∞ when t exceeds the double range.
    /// </summary>
    internal static double TwoSidedT95(double df)
    {
        const double tail = 0.05;
        double a = df / 2;
        double lo = -700, hi = 0; // log x
        if (MathNet.Numerics.SpecialFunctions.BetaRegularized(a, 0.5, Math.Exp(lo)) > tail) return double.PositiveInfinity;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(lo)); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (MathNet.Numerics.SpecialFunctions.BetaRegularized(a, 0.5, Math.Exp(mid)) < tail) lo = mid;
            else hi = mid;
        }
        double x = Math.Exp(0.5 * (lo + hi));
        return Math.Sqrt(df * (1 - x) / x);
    }

    /// <summary>Pools fits of the same formula and layout to M ≥ 2 datasets, coefficient by coefficient.</summary>
    /// <param name="fits">One fit per analysed dataset, all with the same coefficient names.</param>
    /// <param name="kind">Which within-dataset variance uₘ to use (robust HC1 by default).</param>
    /// <param name="syntheticToOriginalRatio">n_syn/n for the T ≤ 0 fallback.</param>
    public static PooledFit Pool(IReadOnlyList<GlmFit> fits, CovarianceKind kind = CovarianceKind.Robust, double syntheticToOriginalRatio = 1)
    {
        if (fits.Count < 2) throw new ArgumentException($"Rubin's rules for synthetic data need at least 2 datasets, got {fits.Count}.", nameof(fits));
        var first = fits[0];
        foreach (var f in fits)
            if (f.Family != first.Family || !f.Names.SequenceEqual(first.Names))
                throw new ArgumentException($"Fits to pool must share family and coefficients; got {first.Family} ({string.Join(", ", first.Names)}) and {f.Family} ({string.Join(", ", f.Names)}).", nameof(fits));
        var variances = fits.Select(f => f.Variances(kind)).ToArray();
        var pooled = new PooledCoefficient[first.Names.Count];
        var q = new double[fits.Count];
        var u = new double[fits.Count];
        for (int j = 0; j < pooled.Length; j++)
        {
            for (int m = 0; m < fits.Count; m++)
            {
                q[m] = fits[m].Coefficients[j];
                u[m] = variances[m][j];
            }
            pooled[j] = Pool(first.Names[j], q, u, syntheticToOriginalRatio);
        }
        return new PooledFit(first.Family, first.Layout, pooled, fits.Count);
    }
}
