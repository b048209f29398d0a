using System.Globalization;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Mechanisms;

/// <summary>A released histogram.</summary>
/// <param name="Counts">Noisy counts (may be negative; clamp as post-processing if needed) of the declared categories and the discovered ones.</param>
/// <param name="Discovered">Categories not declared by the user whose noisy count reached the threshold.</param>
/// <param name="Threshold">The release threshold τ for undeclared categories (0 when discovery was off).</param>
public sealed record DpHistogramResult(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<string> Discovered, long Threshold);

/// <summary>
/// A DP histogram of a categorical column, one value per record, with discrete Gaussian noise
/// (exact, <see cref="DiscreteGaussianSampler"/>). Declared (public) categories are always
/// released. Categories found in the data but not declared are released only if their noisy
/// count reaches a threshold τ — the stability-based histogram (Korolova, Kenthapadi, Mishra &amp;
/// Ntoulas 2009; Wilson et al. 2020). A record whose category appears in only one of two
/// neighbouring datasets is revealed with probability P(1 + Z ≥ τ) ≤ δ_τ, so discovery needs δ_τ &gt; 0.
/// Cost: <see cref="DiscreteGaussianCost"/> with sensitivity 1 and threshold δ_τ.
/// </summary>
public static class DpHistogram
{
    /// <summary>The smallest τ with P(1 + Z ≥ τ) ≤ δ_τ for Z ∼ N_ℤ(0, σ²).</summary>
    /// <param name="sigma">Noise scale σ &gt; 0.</param>
    /// <param name="thresholdDelta">δ_τ ∈ (0, 1).</param>
    /// <exception cref="ArgumentException">σ is beyond <see cref="MaxSigma"/>: the budget is too small to discover categories.</exception>
    public static long Threshold(double sigma, double thresholdDelta)
    {
        CostValidation.Positive(sigma, "sigma");
        CostValidation.Delta(thresholdDelta);
        // The threshold costs O(σ) terms: beyond this the counts are noise anyway, and it would take minutes.
        if (sigma > MaxSigma)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the privacy budget is too small to discover categories (their counts would need noise of scale {sigma:G3}); raise epsilon or declare the categories public in the schema"));
        // P(1 + Z ≥ τ) = P(Z ≥ τ − 1): τ is one above the smallest k ≥ 0 whose tail fits.
        return DiscreteGaussianSampler.SmallestUpperTailAtMost(sigma, thresholdDelta) + 1;
    }

    /// <summary>Largest noise scale <see cref="Threshold"/> accepts.</summary>
    public const double MaxSigma = 1e6;

    /// <summary>The cost of one release; <paramref name="thresholdDelta"/> is 0 when undeclared categories are dropped instead of discovered.</summary>
    /// <param name="sigma">Noise scale σ &gt; 0.</param>
    /// <param name="thresholdDelta">δ_τ ∈ [0, 1).</param>
    public static DiscreteGaussianCost Cost(double sigma, double thresholdDelta) => new(sigma, 1, thresholdDelta);

    /// <summary>
    /// Spends the stage (refused before the data is read if over budget), then releases the histogram.
    /// </summary>
    /// <param name="values">One category per record.</param>
    /// <param name="declared">Categories declared public by the user (always released).</param>
    /// <param name="sigma">Noise scale σ.</param>
    /// <param name="thresholdDelta">δ_τ for discovering undeclared categories, or null to drop undeclared values.</param>
    /// <param name="random">Randomness source.</param>
    /// <param name="ledger">The ledger to spend on.</param>
    /// <param name="stageName">Name of the ledger stage.</param>
    public static DpHistogramResult Release(IEnumerable<string> values, IReadOnlyCollection<string> declared, double sigma,
        double? thresholdDelta, IRandomSource random, PrivacyLedger ledger, string stageName)
    {
        long tau = thresholdDelta is double d ? Threshold(sigma, d) : 0;
        var parameters = new Dictionary<string, double> { ["sigma"] = sigma };
        if (thresholdDelta is double td) { parameters["threshold_delta"] = td; parameters["threshold"] = tau; }
        ledger.Spend(new LedgerStage(stageName, "histogram (discrete Gaussian, thresholded discovery)", Cost(sigma, thresholdDelta ?? 0))
        {
            Parameters = parameters,
        });

        var exact = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string c in declared) exact[c] = 0;
        var declaredSet = new HashSet<string>(declared, StringComparer.Ordinal);
        foreach (string v in values)
        {
            if (declaredSet.Contains(v)) exact[v]++;
            else if (thresholdDelta is not null) exact[v] = exact.GetValueOrDefault(v) + 1;
        }

        var sampler = new DiscreteGaussianSampler(sigma, random);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var discovered = new List<string>();
        // Sorted so that the noise each category receives does not depend on hash order.
        foreach (var (category, count) in exact.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long noisy = count + sampler.Sample();
            if (declaredSet.Contains(category)) counts[category] = noisy;
            else if (noisy >= tau) { counts[category] = noisy; discovered.Add(category); }
        }
        return new DpHistogramResult(counts, discovered, tau);
    }

    /// <summary>
    /// Spends the stage (refused before the data is read if over budget), then releases noisy counts
    /// of a public list of classes that partition the records (each record adds 1 to exactly one
    /// class, so the L2 sensitivity is 1 under add/remove): e.g. the shapes of a column's cells, or
    /// the magnitude buckets of its values. No threshold is needed because no class is data-dependent.
    /// </summary>
    /// <param name="exactCounts">The exact count of each class (the classes themselves are public).</param>
    /// <param name="sigma">Noise scale σ of the discrete Gaussian.</param>
    /// <param name="random">Randomness source.</param>
    /// <param name="ledger">The ledger to spend on.</param>
    /// <param name="stageName">Name of the ledger stage.</param>
    /// <param name="mechanism">How the stage is described in the ledger.</param>
    public static long[] ReleaseCounts(IReadOnlyList<long> exactCounts, double sigma, IRandomSource random, PrivacyLedger ledger,
        string stageName, string mechanism = "histogram over public classes (discrete Gaussian)")
    {
        ledger.Spend(new LedgerStage(stageName, mechanism, Cost(sigma, 0))
        {
            Parameters = new Dictionary<string, double> { ["sigma"] = sigma, ["classes"] = exactCounts.Count },
        });
        var sampler = new DiscreteGaussianSampler(sigma, random);
        var noisy = new long[exactCounts.Count];
        for (int i = 0; i < noisy.Length; i++) noisy[i] = exactCounts[i] + sampler.Sample();
        return noisy;
    }
}
