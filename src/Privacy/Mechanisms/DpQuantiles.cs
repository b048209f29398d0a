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
    /// <param name="baseMeasure">
    /// The base measure the intervals are weighed by instead of their length (null: length, Smith's
    /// mechanism); it must cover [lower, upper] and depend on the data only through earlier DP
    /// releases. The utility and so the cost are unchanged.
    /// </param>
    public static double[] Release(IReadOnlyList<double> values, IReadOnlyList<double> probabilities, double lower, double upper,
        double epsilonPerQuantile, IRandomSource random, PrivacyLedger ledger, string stageName, PiecewiseMeasure? baseMeasure = null)
    {
        if (!(upper > lower) || !double.IsFinite(lower) || !double.IsFinite(upper))
            throw new ArgumentException($"the public range [{lower}, {upper}] must be finite and non-empty");
        if (baseMeasure is not null && (baseMeasure.Lower > lower || baseMeasure.Upper < upper || !(baseMeasure.Cumulative(upper) > baseMeasure.Cumulative(lower))))
            throw new ArgumentException($"the base measure must cover [{lower}, {upper}] with positive mass");
        if (probabilities.Count == 0 || probabilities.Any(p => !(p >= 0 && p <= 1)))
            throw new ArgumentException("quantile levels must be in [0, 1]");
        CostValidation.Positive(epsilonPerQuantile, "epsilon per quantile");
        ledger.Spend(new LedgerStage(stageName, "quantiles (exponential mechanism, Smith 2011)", Cost(probabilities.Count, epsilonPerQuantile))
        {
            Parameters = new Dictionary<string, double>
            {
                ["lower"] = lower, ["upper"] = upper, ["epsilon_per_quantile"] = epsilonPerQuantile, ["count"] = probabilities.Count,
                ["base_measure_cells"] = baseMeasure?.Cells ?? 0,
            },
        });

        var edges = new double[values.Count + 2];
        edges[0] = lower;
        for (int i = 0; i < values.Count; i++) edges[i + 1] = Math.Clamp(values[i], lower, upper);
        edges[^1] = upper;
        Array.Sort(edges, 1, values.Count);
        // The log-measure of each interval between consecutive points: its length, or its base-measure mass.
        var logMass = new double[values.Count + 1];
        for (int i = 0; i < logMass.Length; i++)
        {
            double mass = baseMeasure is null ? edges[i + 1] - edges[i] : baseMeasure.Cumulative(edges[i + 1]) - baseMeasure.Cumulative(edges[i]);
            logMass[i] = mass > 0 ? Math.Log(mass) : double.NegativeInfinity;
        }
        return probabilities.Select(p => Sample(edges, logMass, p, epsilonPerQuantile, random, baseMeasure)).ToArray();
    }

    private static double Sample(double[] edges, double[] logMass, double p, double epsilon, IRandomSource random, PiecewiseMeasure? baseMeasure)
    {
        int n = edges.Length - 2;
        var weights = new double[n + 1];
        for (int i = 0; i <= n; i++)
            weights[i] = double.IsNegativeInfinity(logMass[i]) ? double.NegativeInfinity : logMass[i] - epsilon * Math.Abs(i - p * n) / 2;
        // Exponentiated once, vectorised: a column of a large table has as many intervals as rows,
        // and a fit draws hundreds of quantiles.
        double max = System.Numerics.Tensors.TensorPrimitives.Max(weights);
        System.Numerics.Tensors.TensorPrimitives.Subtract(weights, max, weights);
        System.Numerics.Tensors.TensorPrimitives.Exp(weights, weights);
        double total = 0;
        for (int i = 0; i <= n; i++) total += weights[i];
        double target = random.NextDouble() * total;
        int chosen = n;
        for (int i = 0; i <= n; i++)
        {
            double w = weights[i];
            if (target < w && w > 0) { chosen = i; break; }
            target -= w;
        }
        while (double.IsNegativeInfinity(logMass[chosen])) chosen--; // round-off fell past the end: last interval with mass
        double u = random.NextDouble();
        if (baseMeasure is null) return edges[chosen] + u * (edges[chosen + 1] - edges[chosen]);
        // Inside the interval, the point is drawn from the base measure restricted to it.
        double a = baseMeasure.Cumulative(edges[chosen]), b = baseMeasure.Cumulative(edges[chosen + 1]);
        return Math.Clamp(baseMeasure.Inverse(a + u * (b - a)), edges[chosen], edges[chosen + 1]);
    }
}
