using System.Globalization;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// Audit of the quantile exponential mechanism (<see cref="DpQuantiles"/>), claimed ε-DP per quantile.
/// The pair: 19 evenly spaced values in [0, 1] and the same plus one value at 0.025, level p = 0.05 —
/// the pair of a small search over designs whose exact privacy loss comes closest to ε (0.75ε).
/// The output density of either input is piecewise constant, so it is computed exactly here from the
/// mechanism's definition (independently of its code); the test region S is where the second input's
/// density is largest relative to the first, fixed before drawing. Many quantiles at the same level in
/// one release are independent draws, so one release gives all n draws of a side.
/// </summary>
internal static class QuantileAudit
{
    private const double Lower = 0, Upper = 1, Level = 0.05, Added = 0.025;
    private static readonly double[] Values = Enumerable.Range(1, 19).Select(i => i / 20.0).ToArray();

    public static MechanismAuditRow Run(int draws, double epsilon, IRandomSource random, double alpha, PositiveControl control)
    {
        double actual = control == PositiveControl.NoiseDividedByTen ? 10 * epsilon : epsilon;
        double[] second = [.. Values, Added];
        // The region and its exact loss come from the claimed ε: the auditor tests the mechanism as claimed.
        var (region, exactLoss) = Region(Values, second, epsilon);
        long firstHits = Hits(Release(Values, draws, actual, random), region);
        long secondHits = Hits(Release(second, draws, actual, random), region);
        string setting = string.Create(CultureInfo.InvariantCulture, $"level {Level} of 19 points vs 20, epsilon {actual:0.###} per quantile");
        return NeighbourTest.EpsilonRow("quantile (exponential mechanism)", setting, firstHits, draws, secondHits, draws, epsilon, exactLoss, alpha, control);
    }

    private static double[] Release(double[] values, int draws, double epsilon, IRandomSource random)
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1e12, 0.5), random.Record, Privacy.Calibration.AccountantKind.Rdp);
        return DpQuantiles.Release(values, Enumerable.Repeat(Level, draws).ToArray(), Lower, Upper, epsilon, random, ledger, "audit");
    }

    private static long Hits(double[] outputs, List<(double From, double To)> region)
    {
        long hits = 0;
        foreach (double y in outputs)
            foreach (var (from, to) in region)
                if (y >= from && y < to) { hits++; break; }
        return hits;
    }

    /// <summary>The cells where ln(density₂/density₁) is largest, and that largest value.</summary>
    internal static (List<(double From, double To)> Region, double Loss) Region(double[] first, double[] second, double epsilon)
    {
        var (edges1, density1) = Density(first, epsilon);
        var (edges2, density2) = Density(second, epsilon);
        var cuts = edges1.Concat(edges2).Distinct().Order().ToArray();
        var cells = new List<(double From, double To, double Loss)>();
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            double mid = 0.5 * (cuts[i] + cuts[i + 1]);
            cells.Add((cuts[i], cuts[i + 1], Math.Log(At(edges2, density2, mid) / At(edges1, density1, mid))));
        }
        double max = cells.Max(c => c.Loss);
        return (cells.Where(c => c.Loss >= max - 1e-12).Select(c => (c.From, c.To)).ToList(), max);
    }

    /// <summary>
    /// Smith (2011): interval i between consecutive sorted values (with the range ends) has i values
    /// below it and is chosen with probability ∝ length·exp(−ε|i − p·n|/2); the output is uniform in it.
    /// </summary>
    private static (double[] Edges, double[] Density) Density(double[] values, double epsilon)
    {
        int n = values.Length;
        double[] edges = [Lower, .. values.Order(), Upper];
        var weight = new double[n + 1];
        for (int i = 0; i <= n; i++) weight[i] = (edges[i + 1] - edges[i]) * Math.Exp(-epsilon * Math.Abs(i - Level * n) / 2);
        double total = weight.Sum();
        var density = new double[n + 1];
        for (int i = 0; i <= n; i++) density[i] = edges[i + 1] > edges[i] ? weight[i] / total / (edges[i + 1] - edges[i]) : 0;
        return (edges, density);
    }

    private static double At(double[] edges, double[] density, double y)
    {
        for (int i = 0; i < density.Length; i++) if (y >= edges[i] && y < edges[i + 1]) return density[i];
        return density[^1];
    }
}
