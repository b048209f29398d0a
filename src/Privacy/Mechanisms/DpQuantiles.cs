using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Mechanisms;

/// <summary>
/// DP quantiles over a public range [lower, upper] with the exponential mechanism of Smith,
/// "Privacy-preserving statistical estimation with optimal convergence rates" (2011): the
/// clipped, sorted data cut the range into intervals; interval i (with i points below it) is
/// chosen with probability ∝ length·exp(ε·u_i/2), u_i = −|i − p·n|, whose sensitivity under
/// add/remove is ≤ 1, and the output is uniform inside it. Each quantile is ε-DP and ε-bounded-range
/// (the utility moves by a value in [−1, 1] everywhere, so the log density ratio spans at most ε),
/// hence ε²/8-zCDP (Cesar &amp; Rogers 2021); m quantiles cost <see cref="ExponentialMechanismCost"/>(ε, m):
/// m compositions of that mechanism, which the PLD accountant composes like any repeated stage.
/// </summary>
public static class DpQuantiles
{
    /// <summary>The cost of releasing <paramref name="quantileCount"/> quantiles with ε each.</summary>
    /// <param name="quantileCount">Number of quantiles m ≥ 1.</param>
    /// <param name="epsilonPerQuantile">ε per quantile &gt; 0.</param>
    public static ExponentialMechanismCost Cost(int quantileCount, double epsilonPerQuantile)
        => new(epsilonPerQuantile, quantileCount);

    /// <summary>Spends the stage (refused before the data is read if over budget), then releases the quantiles.</summary>
    /// <param name="values">The private values, one per record.</param>
    /// <param name="probabilities">Quantile levels p ∈ [0, 1].</param>
    /// <param name="lower">Public lower end of the range.</param>
    /// <param name="upper">Public upper end of the range, &gt; lower.</param>
    /// <param name="epsilonPerQuantile">ε per quantile.</param>
    /// <param name="random">Randomness source.</param>
    /// <param name="ledger">The ledger to spend on.</param>
    /// <param name="stageName">Name of the ledger stage.</param>
    public static double[] Release(IReadOnlyList<double> values, IReadOnlyList<double> probabilities, double lower, double upper,
        double epsilonPerQuantile, IRandomSource random, PrivacyLedger ledger, string stageName)
    {
        if (!(upper > lower) || !double.IsFinite(lower) || !double.IsFinite(upper))
            throw new ArgumentException($"the public range [{lower}, {upper}] must be finite and non-empty");
        if (probabilities.Count == 0 || probabilities.Any(p => !(p >= 0 && p <= 1)))
            throw new ArgumentException("quantile levels must be in [0, 1]");
        CostValidation.Positive(epsilonPerQuantile, "epsilon per quantile");
        ledger.Spend(new LedgerStage(stageName, "quantiles (exponential mechanism, Smith 2011)", Cost(probabilities.Count, epsilonPerQuantile))
        {
            Parameters = new Dictionary<string, double>
            {
                ["lower"] = lower, ["upper"] = upper, ["epsilon_per_quantile"] = epsilonPerQuantile, ["count"] = probabilities.Count,
            },
        });

        var edges = new double[values.Count + 2];
        edges[0] = lower;
        for (int i = 0; i < values.Count; i++) edges[i + 1] = Math.Clamp(values[i], lower, upper);
        edges[^1] = upper;
        Array.Sort(edges, 1, values.Count);
        return probabilities.Select(p => Sample(edges, p, epsilonPerQuantile, random)).ToArray();
    }

    private static double Sample(double[] edges, double p, double epsilon, IRandomSource random)
    {
        int n = edges.Length - 2;
        var logWeights = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double length = edges[i + 1] - edges[i];
            logWeights[i] = length > 0 ? Math.Log(length) - epsilon * Math.Abs(i - p * n) / 2 : double.NegativeInfinity;
        }
        double max = logWeights.Max();
        double total = 0;
        for (int i = 0; i <= n; i++) total += Math.Exp(logWeights[i] - max);
        double target = random.NextDouble() * total;
        int chosen = n;
        for (int i = 0; i <= n; i++)
        {
            double w = Math.Exp(logWeights[i] - max);
            if (target < w && w > 0) { chosen = i; break; }
            target -= w;
        }
        while (edges[chosen + 1] - edges[chosen] <= 0) chosen--; // round-off fell past the end: last non-empty interval
        return edges[chosen] + random.NextDouble() * (edges[chosen + 1] - edges[chosen]);
    }
}
