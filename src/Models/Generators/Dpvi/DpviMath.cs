namespace DpSynth.Models.Generators.Dpvi;

/// <summary>Scalar functions of the DPVI model, and the Dirichlet prior in additive-log-ratio coordinates.</summary>
public static class DpviMath
{
    /// <summary>softplus(x) = ln(1 + eˣ), without overflow.</summary>
    public static double Softplus(double x) => x > 30 ? x : x < -30 ? Math.Exp(x) : Math.Log(1 + Math.Exp(x));

    /// <summary>The softplus inverse: ln(eʸ − 1) for y &gt; 0.</summary>
    public static double InverseSoftplus(double y) => y > 30 ? y : Math.Log(Math.Exp(y) - 1);

    /// <summary>The logistic function 1/(1 + e⁻ˣ) (the derivative of softplus).</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, about 15 digits).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double a = Lanczos[0], t = x + 7.5;
        for (int i = 1; i < Lanczos.Length; i++) a += Lanczos[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>
    /// Writes π = softmax(a₁, …, a_{K−1}, 0) for the K − 1 free logits <paramref name="logits"/>
    /// (the additive-log-ratio map with the last category as the pivot) into <paramref name="probabilities"/> and
    /// returns ln Σₖ e^{aₖ} (with a_K = 0), so that ln πₖ = aₖ − that value.
    /// </summary>
    public static double Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        double max = 0;
        foreach (double a in logits) max = Math.Max(max, a);
        double sum = Math.Exp(-max);
        for (int k = 0; k < logits.Length; k++) sum += probabilities[k] = Math.Exp(logits[k] - max);
        probabilities[logits.Length] = Math.Exp(-max);
        for (int k = 0; k <= logits.Length; k++) probabilities[k] /= sum;
        return max + Math.Log(sum);
    }

    /// <summary>
    /// The log-density, with respect to Lebesgue measure on the K − 1 free logits, of a symmetric
    /// Dirichlet(α) prior on π pushed through the additive-log-ratio map:
    /// ln Γ(Kα) − K·ln Γ(α) + α·Σₖ ln πₖ.
    /// </summary>
    /// <remarks>
    /// Derivation: for k, l &lt; K, ∂πₖ/∂a_l = πₖ(δₖₗ − π_l), i.e. J = diag(p) − p·pᵀ with p the first
    /// K − 1 probabilities; by the matrix determinant lemma det J = Πₖ&lt;K πₖ · (1 − Σₖ&lt;K πₖ) = Πₖ πₖ.
    /// So p(a) = Dir(π; α)·|det J| ∝ Πₖ πₖ^{α−1}·Πₖ πₖ = Πₖ πₖ^α. Its gradient is ∂/∂a_l = α − Kα·π_l.
    /// </remarks>
    public static double AlrDirichletLogDensity(ReadOnlySpan<double> logits, double alpha)
    {
        int k = logits.Length + 1;
        double logSum = 0;
        double lse = 0, max = 0;
        foreach (double a in logits) max = Math.Max(max, a);
        double sum = Math.Exp(-max);
        foreach (double a in logits) sum += Math.Exp(a - max);
        lse = max + Math.Log(sum);
        foreach (double a in logits) logSum += a - lse;
        logSum += -lse; // the pinned logit 0
        return LogGamma(k * alpha) - k * LogGamma(alpha) + alpha * logSum;
    }

    /// <summary>ln(y!) for a whole y ≥ 0.</summary>
    public static double LogFactorial(double y)
    {
        if (y < LogFactorials.Length) return LogFactorials[(int)y];
        return LogGamma(y + 1);
    }

    private static readonly double[] LogFactorials = BuildLogFactorials(256);

    private static double[] BuildLogFactorials(int n)
    {
        var t = new double[n];
        for (int i = 2; i < n; i++) t[i] = t[i - 1] + Math.Log(i);
        return t;
    }
}
