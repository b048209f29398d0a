using DpSynth.Kernels;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Subject-level linkage, a re-identification measure with a ground truth for rows that have no true
/// subject (stimuli). An attacker's ID classifier can name any of S_in + S_out candidate subjects; the
/// S_in members are the data holder's (everything released comes from their windows), the S_out
/// non-members were never seen by the data holder. If released rows carry the members' identity, the
/// attacker names members for them more often than the member share S_in / (S_in + S_out); if they
/// carry none, it names members no more often than when it picks a candidate at random.
/// </summary>
/// <param name="TopOneMemberShare">Share of rows whose top-1 candidate is a member.</param>
/// <param name="MemberMass">Mean over rows of the attacker's posterior mass on the members (the smooth version).</param>
/// <param name="MemberShare">S_in / (S_in + S_out): the chance rate of both shares for rows with no identity in them.</param>
/// <param name="Rows">Rows the figures are over.</param>
public sealed record MemberLinkage(double TopOneMemberShare, double MemberMass, double MemberShare, int Rows)
{
    /// <summary>Top-1 member share over chance: 1 for rows that carry no identity, up to 1/<see cref="MemberShare"/> when every row is named a member.</summary>
    public double TopOneRatio => TopOneMemberShare / MemberShare;

    /// <summary>Posterior mass on members over chance (same scale as <see cref="TopOneRatio"/>).</summary>
    public double MassRatio => MemberMass / MemberShare;

    /// <summary>
    /// The linkage of rows from the attacker's posteriors <paramref name="probabilities"/> (rows ×
    /// candidates, row-major) given which candidates are members.
    /// </summary>
    public static MemberLinkage Of(ReadOnlySpan<float> probabilities, IReadOnlyList<bool> isMember)
    {
        ArgumentNullException.ThrowIfNull(isMember);
        int candidates = isMember.Count, members = isMember.Count(m => m);
        if (members == 0 || members == candidates) throw new ArgumentException($"linkage needs members and non-members among the candidates, got {members} of {candidates}");
        if (probabilities.Length % candidates != 0) throw new ArgumentException($"{probabilities.Length} posteriors are not rows of {candidates} candidates");
        int rows = probabilities.Length / candidates;
        if (rows == 0) throw new ArgumentException("linkage needs at least one row");
        var top = Classifier.ArgMax(probabilities, candidates);
        double named = 0, mass = 0;
        for (int i = 0; i < rows; i++)
        {
            if (isMember[top[i]]) named++;
            var row = probabilities.Slice(i * candidates, candidates);
            double rowMass = 0, rowTotal = 0;
            for (int k = 0; k < candidates; k++)
            {
                rowTotal += row[k];
                if (isMember[k]) rowMass += row[k];
            }
            mass += rowMass / rowTotal;
        }
        return new MemberLinkage(named / rows, mass / rows, members / (double)candidates, rows);
    }

    /// <summary>The linkage of the scaled rows <paramref name="x"/> by the attacker's ID classifier <paramref name="attacker"/>.</summary>
    public static MemberLinkage Of(IComputeBackend backend, Classifier attacker, float[] x, IReadOnlyList<bool> isMember)
    {
        ArgumentNullException.ThrowIfNull(attacker);
        if (isMember.Count != attacker.Classes) throw new ArgumentException($"the attacker names {attacker.Classes} candidates, the member list has {isMember.Count}");
        return Of(attacker.Probabilities(backend, x), isMember);
    }

    /// <summary>Membership flags of <paramref name="candidates"/> candidates of which <paramref name="members"/> are members.</summary>
    public static bool[] Flags(int candidates, IEnumerable<int> members)
    {
        var flags = new bool[candidates];
        foreach (int m in members) flags[m] = true;
        return flags;
    }
}

/// <summary>A linkage figure averaged over several random member splits.</summary>
/// <param name="TopOneRatio">Mean over splits of <see cref="MemberLinkage.TopOneRatio"/>.</param>
/// <param name="TopOneError">Standard error of that mean (sd across splits / √splits; 0 for one split).</param>
/// <param name="MassRatio">Mean over splits of <see cref="MemberLinkage.MassRatio"/>.</param>
/// <param name="MassError">Standard error of that mean.</param>
/// <param name="Splits">Splits averaged.</param>
public sealed record LinkageMean(double TopOneRatio, double TopOneError, double MassRatio, double MassError, int Splits)
{
    /// <summary>The mean and its standard error over <paramref name="splits"/> (at least one).</summary>
    public static LinkageMean Of(IReadOnlyList<MemberLinkage> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (splits.Count == 0) throw new ArgumentException("a mean needs at least one split");
        var (top, topError) = MeanAndError(splits.Select(s => s.TopOneRatio).ToArray());
        var (mass, massError) = MeanAndError(splits.Select(s => s.MassRatio).ToArray());
        return new LinkageMean(top, topError, mass, massError, splits.Count);
    }

    private static (double Mean, double Error) MeanAndError(double[] values)
    {
        double mean = values.Average();
        if (values.Length < 2) return (mean, 0);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, Math.Sqrt(variance / values.Length));
    }
}
