using DpSynth.Kernels;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Subject-level linkage, a re-identification measure with a ground truth for rows that have no true
/// subject (stimuli). An attacker's ID classifier can name any of S_in + S_out candidate subjects; the
/// S_in members are the data holder's (everything released comes from their windows), the S_out
/// non-members were never seen by the data holder. If released rows carry the members' identity, the
/// attacker names members for them more often than the member share S_in / (S_in + S_out); if they
/// carry none, it names members no more often than when it picks a candidate at random — in
/// expectation over who the members are (<see cref="LinkageMean"/>).
/// </summary>
/// <param name="TopOneMemberShare">Share of rows whose top-1 candidate is a member.</param>
/// <param name="MemberMass">Mean over rows of the attacker's posterior mass on the members (the smooth version).</param>
/// <param name="MemberShare">S_in / (S_in + S_out): the chance rate of both shares for rows with no identity in them.</param>
/// <param name="Rows">Rows the figures are over.</param>
/// <param name="NamedShares">Per candidate, the share of rows whose top-1 it is (shows whether rows spread over the candidates or fall into a few).</param>
/// <param name="CandidateMass">Per candidate, the mean posterior the attacker gives it.</param>
public sealed record MemberLinkage(double TopOneMemberShare, double MemberMass, double MemberShare, int Rows,
    IReadOnlyList<double> NamedShares, [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<double> CandidateMass)
{
    /// <summary>Top-1 member share over chance: 1 for rows that carry no identity, up to 1/<see cref="MemberShare"/> when every row is named a member.</summary>
    public double TopOneRatio => TopOneMemberShare / MemberShare;

    /// <summary>Posterior mass on members over chance (same scale as <see cref="TopOneRatio"/>).</summary>
    public double MassRatio => MemberMass / MemberShare;

    /// <summary>The candidate named most often.</summary>
    public int MostNamed => Enumerable.Range(0, NamedShares.Count).MaxBy(c => NamedShares[c]);

    /// <summary>Share of rows whose top-1 is <see cref="MostNamed"/>.</summary>
    public double MostNamedShare => NamedShares[MostNamed];

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
        var named = new double[candidates];
        var mass = new double[candidates];
        for (int i = 0; i < rows; i++)
        {
            named[top[i]] += 1.0 / rows;
            var row = probabilities.Slice(i * candidates, candidates);
            double total = 0;
            foreach (float p in row) total += p;
            for (int c = 0; c < candidates; c++) mass[c] += row[c] / total / rows;
        }
        return new MemberLinkage(OnMembers(named, isMember), OnMembers(mass, isMember), members / (double)candidates, rows, named, mass);
    }

    /// <summary>The linkage of the scaled rows <paramref name="x"/> by the attacker's ID classifier <paramref name="attacker"/>.</summary>
    public static MemberLinkage Of(IComputeBackend backend, Classifier attacker, float[] x, IReadOnlyList<bool> isMember)
    {
        ArgumentNullException.ThrowIfNull(attacker);
        ArgumentNullException.ThrowIfNull(isMember);
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

    /// <summary>Σ over members of a per-candidate figure.</summary>
    internal static double OnMembers(IReadOnlyList<double> perCandidate, IReadOnlyList<bool> isMember)
    {
        if (perCandidate.Count != isMember.Count) throw new ArgumentException($"{perCandidate.Count} candidates' figures but {isMember.Count} member flags");
        double sum = 0;
        for (int c = 0; c < perCandidate.Count; c++) if (isMember[c]) sum += perCandidate[c];
        return sum;
    }
}

/// <summary>
/// A linkage figure over several random member splits — several data holders drawn from the same
/// population, each releasing rows made from its own members' windows — in two readings:
/// <list type="bullet">
/// <item>the mean over splits of the member share over chance (with its standard error): for rows
/// with no identity it is 1 in expectation over random splits, but a single split reads 0 or
/// 1/share when the attacker sends every such row to one "sink" candidate, so its error can be large;</item>
/// <item>the member share against other holders (<see cref="AgainstOtherHolders"/>): the baseline is how
/// often the other splits' rows are named this split's members, which cancels sinks (with a
/// leave-one-split-out jackknife error).</item>
/// </list>
/// </summary>
/// <param name="TopOneRatio">Mean over splits of <see cref="MemberLinkage.TopOneRatio"/>.</param>
/// <param name="TopOneError">Standard error of that mean (sd across splits / √splits; 0 for one split).</param>
/// <param name="MassRatio">Mean over splits of <see cref="MemberLinkage.MassRatio"/>.</param>
/// <param name="MassError">Standard error of that mean.</param>
/// <param name="TopOneAgainstOthers">Top-1 member share against other holders' rows; NaN for one split.</param>
/// <param name="TopOneAgainstOthersError">Its jackknife standard error; NaN for fewer than three splits, +∞ when leaving a split out leaves no baseline.</param>
/// <param name="MassAgainstOthers">Posterior mass on members against other holders' rows; NaN for one split.</param>
/// <param name="MassAgainstOthersError">Its jackknife standard error; NaN for fewer than three splits.</param>
/// <param name="Splits">Splits.</param>
public sealed record LinkageMean(double TopOneRatio, double TopOneError, double MassRatio, double MassError,
    double TopOneAgainstOthers, double TopOneAgainstOthersError, double MassAgainstOthers, double MassAgainstOthersError, int Splits)
{
    /// <summary>Both readings over <paramref name="splits"/> (at least one), whose member flags are <paramref name="isMember"/>.</summary>
    public static LinkageMean Of(IReadOnlyList<MemberLinkage> splits, IReadOnlyList<IReadOnlyList<bool>> isMember)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(isMember);
        if (splits.Count == 0) throw new ArgumentException("a mean needs at least one split");
        if (isMember.Count != splits.Count) throw new ArgumentException($"{splits.Count} splits but {isMember.Count} member lists");
        var (top, topError) = MeanAndError(splits.Select(s => s.TopOneRatio).ToArray());
        var (mass, massError) = MeanAndError(splits.Select(s => s.MassRatio).ToArray());
        var (topOthers, topOthersError) = Jackknife(splits, isMember, s => s.NamedShares);
        var (massOthers, massOthersError) = Jackknife(splits, isMember, s => s.CandidateMass);
        return new LinkageMean(top, topError, mass, massError, topOthers, topOthersError, massOthers, massOthersError, splits.Count);
    }

    /// <summary>
    /// Σ_k M_k / Σ_k E_k, where M_k is split k's member share (of <paramref name="perCandidate"/>:
    /// top-1 shares or posterior mass) and E_k the same share of the *other* splits' rows on split k's
    /// members (each other split weighted alike). Rows with no identity in them look alike whoever the
    /// data holder is, so the attacker treats every split's rows alike and E_k ≈ M_k (ratio ≈ 1) even
    /// when it sends them all to one sink candidate. Rows that carry their data holder's identity go to
    /// that holder's members more than other holders' rows do (ratio up to about 1/share when every
    /// row is named one of its own holder's members and splits overlap as random ones do).
    /// NaN for fewer than two splits.
    /// </summary>
    public static double AgainstOtherHolders(IReadOnlyList<MemberLinkage> splits, IReadOnlyList<IReadOnlyList<bool>> isMember,
        Func<MemberLinkage, IReadOnlyList<double>> perCandidate)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(isMember);
        ArgumentNullException.ThrowIfNull(perCandidate);
        if (isMember.Count != splits.Count) throw new ArgumentException($"{splits.Count} splits but {isMember.Count} member lists");
        if (splits.Count < 2) return double.NaN;
        double observed = 0, expected = 0;
        for (int k = 0; k < splits.Count; k++)
        {
            observed += MemberLinkage.OnMembers(perCandidate(splits[k]), isMember[k]);
            double others = 0;
            for (int j = 0; j < splits.Count; j++)
                if (j != k) others += MemberLinkage.OnMembers(perCandidate(splits[j]), isMember[k]);
            expected += others / (splits.Count - 1);
        }
        return expected > 0 ? observed / expected : double.PositiveInfinity;
    }

    /// <summary><see cref="AgainstOtherHolders"/> and its leave-one-split-out jackknife standard error.</summary>
    private static (double Value, double Error) Jackknife(IReadOnlyList<MemberLinkage> splits, IReadOnlyList<IReadOnlyList<bool>> isMember,
        Func<MemberLinkage, IReadOnlyList<double>> perCandidate)
    {
        double value = AgainstOtherHolders(splits, isMember, perCandidate);
        int n = splits.Count;
        if (n < 3) return (value, double.NaN);
        var leaveOut = Enumerable.Range(0, n).Select(i => AgainstOtherHolders(
            splits.Where((_, k) => k != i).ToArray(), isMember.Where((_, k) => k != i).ToArray(), perCandidate)).ToArray();
        if (leaveOut.Any(v => !double.IsFinite(v))) return (value, double.PositiveInfinity); // some subset had no baseline at all
        double mean = leaveOut.Average();
        return (value, Math.Sqrt((n - 1.0) / n * leaveOut.Sum(v => (v - mean) * (v - mean))));
    }

    private static (double Mean, double Error) MeanAndError(double[] values)
    {
        double mean = values.Average();
        if (values.Length < 2) return (mean, 0);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, Math.Sqrt(variance / values.Length));
    }
}
