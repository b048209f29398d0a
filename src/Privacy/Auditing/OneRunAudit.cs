using MathNet.Numerics;

namespace DpSynth.Privacy.Auditing;

/// <summary>
/// The p-value and the empirical ε of a one-run audit (Steinke, Nasr &amp; Jagielski, "Privacy
/// Auditing with One (1) Training Run", NeurIPS 2023). m canaries are each included independently
/// with probability ½; after one run the auditor guesses "in" or "out" for r of them and abstains on
/// the rest; v guesses are right.
/// <para>
/// Their main theorem for (ε, δ)-DP: with f(v) = P[Binomial(r, q) ≥ v] and q = e^ε/(1 + e^ε) (the
/// accuracy of ε-randomized response),
/// P[at least v correct] ≤ f(v) + 2mδ · max_{1 ≤ i ≤ v} (f(v − i) − f(v)) / i,
/// where f(v − i) − f(v) = P[v − i ≤ Binomial(r, q) &lt; v]. That bound is the p-value of the null
/// hypothesis "the run is (ε, δ)-DP"; the audit's ε̂ is the largest ε it rejects at level β.
/// </para>
/// </summary>
public static class OneRunAudit
{
    /// <summary>The p-value of v correct guesses out of r under the hypothesis of (ε, δ)-DP (capped at 1).</summary>
    /// <param name="canaries">m, the canaries each included with probability ½.</param>
    /// <param name="guesses">r ≤ m, the guesses made (abstentions excluded).</param>
    /// <param name="correct">v ≤ r, the correct guesses.</param>
    /// <param name="epsilon">ε ≥ 0 of the hypothesis.</param>
    /// <param name="delta">δ ∈ [0, 1] of the hypothesis.</param>
    public static double PValue(int canaries, int guesses, int correct, double epsilon, double delta)
    {
        Check(canaries, guesses, correct, delta);
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and non-negative");
        var logPmf = LogPmf(guesses, epsilon);
        double tail = 0;
        for (int k = correct; k <= guesses; k++) tail += Math.Exp(logPmf[k]);
        double slope = 0, window = 0; // window = P[v − i ≤ Bin < v]
        for (int i = 1; i <= correct; i++)
        {
            window += Math.Exp(logPmf[correct - i]);
            slope = Math.Max(slope, window / i);
        }
        return Math.Min(1, tail + 2.0 * canaries * delta * slope);
    }

    /// <summary>
    /// ε̂: the run is not (ε, δ)-DP for any ε ≤ ε̂, with confidence 1 − β. It is the first ε at which
    /// the p-value reaches β, found by scanning ε upward in steps of 0.01 and bisecting the step that
    /// crosses. Taking the first crossing rather than the last keeps the bound valid even where the
    /// p-value is not monotone in ε: every ε below ε̂ was rejected. 0 when even ε = 0 is not rejected.
    /// </summary>
    /// <param name="canaries">m.</param>
    /// <param name="guesses">r.</param>
    /// <param name="correct">v.</param>
    /// <param name="delta">δ of the hypothesis.</param>
    /// <param name="beta">Significance level β ∈ (0, 1), e.g. 0.05.</param>
    public static double EpsilonLowerBound(int canaries, int guesses, int correct, double delta, double beta)
    {
        Check(canaries, guesses, correct, delta);
        if (!(beta > 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be in (0, 1)");
        if (PValue(canaries, guesses, correct, 0, delta) >= beta) return 0;
        const double step = 0.01, limit = 60; // q = 1/(1 + e^{−60}) is 1 in double precision
        double lo = 0;
        while (lo < limit && PValue(canaries, guesses, correct, lo + step, delta) < beta) lo += step;
        if (lo >= limit) return limit;
        double hi = lo + step;
        for (int i = 0; i < 40; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (PValue(canaries, guesses, correct, mid, delta) < beta) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>log P[Binomial(r, q) = k] for k = 0..r with q = 1/(1 + e^{−ε}), in log space so that no term underflows early.</summary>
    private static double[] LogPmf(int r, double epsilon)
    {
        double logQ = -Log1PlusExp(-epsilon), logNotQ = -epsilon - Log1PlusExp(-epsilon);
        var result = new double[r + 1];
        double logRFactorial = SpecialFunctions.FactorialLn(r);
        for (int k = 0; k <= r; k++)
            result[k] = logRFactorial - SpecialFunctions.FactorialLn(k) - SpecialFunctions.FactorialLn(r - k) + k * logQ + (r - k) * logNotQ;
        return result;
    }

    private static double Log1PlusExp(double x) => x > 30 ? x + Math.Exp(-x) : SpecialFunctions.Log1p(Math.Exp(x));

    private static void Check(int canaries, int guesses, int correct, double delta)
    {
        if (canaries < 1) throw new ArgumentOutOfRangeException(nameof(canaries), canaries, "an audit needs at least one canary");
        if (guesses < 0 || guesses > canaries) throw new ArgumentOutOfRangeException(nameof(guesses), guesses, $"guesses must be in [0, {canaries}]");
        if (correct < 0 || correct > guesses) throw new ArgumentOutOfRangeException(nameof(correct), correct, $"correct guesses must be in [0, {guesses}]");
        if (!(delta >= 0 && delta <= 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in [0, 1]");
    }
}
