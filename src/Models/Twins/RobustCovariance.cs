namespace DpSynth.Models.Twins;

/// <summary>
/// Heteroskedasticity-consistent ("sandwich") covariance of GLM estimates, HC1 variant
/// (MacKinnon &amp; White 1985): V = B · M · B · n/(n − p), where the bread B = (XᵀWX)⁻¹ is the
/// inverse Fisher information at the estimate and the meat M = Σᵢ xᵢxᵢᵀ rᵢ² sums the outer
/// products of the per-record scores xᵢ·rᵢ, rᵢ = yᵢ − μᵢ (the score of a canonical-link GLM).
/// It stays valid when the outcome is over- or under-dispersed relative to the model — which
/// synthetic data often is — whereas the model-based B alone does not.
/// </summary>
internal static class RobustCovariance
{
    /// <summary>HC1 covariance, row-major p×p, from the bread and the fitted means.</summary>
    public static double[] Hc1(DesignMatrix x, ReadOnlySpan<double> mu, ReadOnlySpan<double> bread)
    {
        int n = x.Rows, p = x.Columns;
        if (n <= p) throw new GlmFitException($"robust standard errors need more records ({n}) than coefficients ({p})");
        var meat = new double[p * p];
        var y = x.Outcome;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - mu[i];
            double r2 = r * r;
            var row = x.Row(i);
            for (int a = 0; a < p; a++)
            {
                double ra = r2 * row[a];
                if (ra == 0) continue;
                for (int b = 0; b <= a; b++) meat[a * p + b] += ra * row[b];
            }
        }
        for (int a = 0; a < p; a++) for (int b = 0; b < a; b++) meat[b * p + a] = meat[a * p + b];

        var half = Multiply(bread, meat, p);
        var v = Multiply(half, bread, p);
        double scale = (double)n / (n - p);
        for (int i = 0; i < v.Length; i++) v[i] *= scale;
        for (int a = 0; a < p; a++)
            for (int b = 0; b < a; b++)
                v[a * p + b] = v[b * p + a] = 0.5 * (v[a * p + b] + v[b * p + a]);
        return v;
    }

    private static double[] Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int p)
    {
        var c = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int k = 0; k < p; k++)
            {
                double aik = a[i * p + k];
                for (int j = 0; j < p; j++) c[i * p + j] += aik * b[k * p + j];
            }
        return c;
    }
}
