using DpSynth.Privacy.Auditing;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// Tests that tell a mechanism's outputs on the two inputs of a neighbouring pair apart, and the
/// audit rows they give. A threshold on a real output is the optimal (likelihood-ratio) test for a
/// location family with monotone likelihood ratio — Gaussian, discrete Gaussian — and at the pair's
/// midpoint it meets the Gaussian trade-off curve at its most precisely measured point.
/// </summary>
internal static class NeighbourTest
{
    /// <summary>
    /// The μ row of a threshold test: outputs of the first input above <paramref name="threshold"/> are
    /// false positives, outputs of the second at or below it false negatives.
    /// </summary>
    public static MechanismAuditRow MuRow(string mechanism, string setting, ReadOnlySpan<double> first, ReadOnlySpan<double> second,
        double threshold, double claimedMu, double exactMu, double alpha, NoiseCheck? noise, PositiveControl control)
    {
        long falsePositives = 0, falseNegatives = 0;
        foreach (double x in first) if (x > threshold) falsePositives++;
        foreach (double x in second) if (x <= threshold) falseNegatives++;
        var (estimate, lower, upper) = GaussianTradeOff.MuInterval(falsePositives, first.Length, falseNegatives, second.Length, alpha);
        return new MechanismAuditRow
        {
            Mechanism = mechanism, Setting = setting, Quantity = "mu", Claimed = claimedMu, Exact = exactMu,
            Estimate = estimate, Lower = lower, Upper = upper, Draws = Math.Min(first.Length, second.Length), Noise = noise, Control = control,
        };
    }

    /// <summary>
    /// The ε row of a region test for a pure-DP mechanism: S is a set of outputs fixed before drawing;
    /// ε ≥ ln(P₂(S)/P₁(S)) for every S, so Clopper–Pearson bounds (α/2 each) on the two frequencies
    /// give an interval for ln(P₂(S)/P₁(S)) whose low end is an empirical lower bound on ε.
    /// </summary>
    public static MechanismAuditRow EpsilonRow(string mechanism, string setting, long firstHits, long firstDraws, long secondHits, long secondDraws,
        double claimedEpsilon, double exactEpsilon, double alpha, PositiveControl control)
    {
        var p1 = ClopperPearson.Interval(firstHits, firstDraws, alpha / 2);
        var p2 = ClopperPearson.Interval(secondHits, secondDraws, alpha / 2);
        return new MechanismAuditRow
        {
            Mechanism = mechanism, Setting = setting, Quantity = "epsilon", Claimed = claimedEpsilon, Exact = exactEpsilon,
            Estimate = Math.Log(((double)secondHits / secondDraws) / ((double)firstHits / firstDraws)),
            Lower = Math.Log(p2.Lower / p1.Upper), Upper = Math.Log(p2.Upper / p1.Lower),
            Draws = Math.Min(firstDraws, secondDraws), Control = control,
        };
    }
}
