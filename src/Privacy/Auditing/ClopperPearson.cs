using MathNet.Numerics;

namespace DpSynth.Privacy.Auditing;

/// <summary>
/// Exact binomial confidence bounds (Clopper &amp; Pearson 1934): the success probability at which
/// the observed count would just be significant in a one-sided binomial test. Their coverage is at
/// least the nominal level for every n and p — never below it, as a normal approximation can be
/// near 0 or 1 — which is what an empirical lower bound on ε must rest on.
/// </summary>
public static class ClopperPearson
{
    /// <summary>One-sided upper bound: the p with P(Binomial(n, p) ≤ k) = α (1 when k = n).</summary>
    /// <param name="successes">Observed count k, 0 ≤ k ≤ n.</param>
    /// <param name="trials">Trials n ≥ 1.</param>
    /// <param name="alpha">Error probability α ∈ (0, 1); the bound holds with probability ≥ 1 − α.</param>
    public static double Upper(long successes, long trials, double alpha)
    {
        Check(successes, trials, alpha);
        if (successes == trials) return 1;
        if (successes == 0) return -Numerics.Exponential.MinusOne(Math.Log(alpha) / trials); // 1 − α^{1/n}, exact
        // P(Bin(n, p) ≤ k) = 1 − I_p(k + 1, n − k) falls from 1 to 0 as p grows.
        return Solve(p => 1 - SpecialFunctions.BetaRegularized(successes + 1, trials - successes, p), alpha, decreasing: true);
    }

    /// <summary>One-sided lower bound: the p with P(Binomial(n, p) ≥ k) = α (0 when k = 0).</summary>
    /// <param name="successes">Observed count k, 0 ≤ k ≤ n.</param>
    /// <param name="trials">Trials n ≥ 1.</param>
    /// <param name="alpha">Error probability α ∈ (0, 1).</param>
    public static double Lower(long successes, long trials, double alpha)
    {
        Check(successes, trials, alpha);
        if (successes == 0) return 0;
        if (successes == trials) return Math.Exp(Math.Log(alpha) / trials); // α^{1/n}, exact
        // P(Bin(n, p) ≥ k) = I_p(k, n − k + 1) rises from 0 to 1 as p grows.
        return Solve(p => SpecialFunctions.BetaRegularized(successes, trials - successes + 1, p), alpha, decreasing: false);
    }

    /// <summary>The two-sided interval at confidence 1 − α (α/2 in each tail).</summary>
    /// <param name="successes">Observed count k.</param>
    /// <param name="trials">Trials n.</param>
    /// <param name="alpha">Error probability α ∈ (0, 1).</param>
    public static (double Lower, double Upper) Interval(long successes, long trials, double alpha)
        => (Lower(successes, trials, alpha / 2), Upper(successes, trials, alpha / 2));

    /// <summary>Bisection for the p where a monotone tail probability crosses α; 200 halvings reach any double.</summary>
    private static double Solve(Func<double, double> tail, double alpha, bool decreasing)
    {
        double lo = 0, hi = 1;
        for (int i = 0; i < 200 && hi > lo; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            bool aboveAlpha = tail(mid) > alpha;
            // Decreasing tail: still above α means the crossing lies to the right.
            if (aboveAlpha == decreasing) lo = mid; else hi = mid;
        }
        // Return the conservative end: the larger p for an upper bound, the smaller for a lower one.
        return decreasing ? hi : lo;
    }

    private static void Check(long successes, long trials, double alpha)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "a binomial bound needs at least one trial");
        if (successes < 0 || successes > trials) throw new ArgumentOutOfRangeException(nameof(successes), successes, $"the count must be in [0, {trials}]");
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");
    }
}
