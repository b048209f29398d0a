using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.Stimuli;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

public sealed class MemberLinkageTests
{
    // 2 members (candidates 0 and 1) out of 8: chance 1/4, the ratios' maximum 4.
    private static readonly bool[] TwoOfEight = MemberLinkage.Flags(8, [0, 1]);

    /// <summary>Rows × 8 posteriors, row i putting <paramref name="top"/> on candidate pick(i) and the rest evenly.</summary>
    private static float[] Posteriors(int rows, Func<int, int> pick, float top = 0.65f)
    {
        var p = new float[rows * 8];
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < 8; c++) p[i * 8 + c] = c == pick(i) ? top : (1 - top) / 7;
        return p;
    }

    [Fact]
    public void AnAttackerThatAlwaysNamesAMemberReadsTheMaximum()
    {
        var l = MemberLinkage.Of(Posteriors(10, i => i % 2), TwoOfEight);
        Assert.Equal(0.25, l.MemberShare, 12);
        Assert.Equal(1.0, l.TopOneMemberShare, 12);
        Assert.Equal(4.0, l.TopOneRatio, 6);
        // Mass on members: 0.65 + 0.05 = 0.7 per row → 2.8× chance.
        Assert.Equal(0.7, l.MemberMass, 5);
        Assert.Equal(2.8, l.MassRatio, 4);
        Assert.Equal(10, l.Rows);
    }

    [Fact]
    public void AUniformAttackerReadsChanceAndANonMemberAttackerReadsZero()
    {
        var uniform = MemberLinkage.Of(Enumerable.Repeat(0.125f, 16 * 8).ToArray(), TwoOfEight);
        Assert.Equal(1.0, uniform.MassRatio, 5);
        // Top-1 of a tie is the first candidate (a member) on every row, so only the mass reads chance here;
        // an attacker spreading its top-1 evenly over all 8 candidates reads 1 on both.
        var spread = MemberLinkage.Of(Posteriors(16, i => i % 8), TwoOfEight);
        Assert.Equal(1.0, spread.TopOneRatio, 6);
        Assert.Equal(1.0, spread.MassRatio, 5);
        var outsiders = MemberLinkage.Of(Posteriors(6, i => 2 + i % 6), TwoOfEight);
        Assert.Equal(0.0, outsiders.TopOneRatio, 12);
        Assert.Equal(2 * 0.05 / 0.25, outsiders.MassRatio, 4);
    }

    [Fact]
    public void RefusesMemberListsWithoutMembersOrNonMembersAndRaggedPosteriors()
    {
        Assert.Throws<ArgumentException>(() => MemberLinkage.Of(Posteriors(2, _ => 0), new bool[8]));
        Assert.Throws<ArgumentException>(() => MemberLinkage.Of(Posteriors(2, _ => 0), Enumerable.Repeat(true, 8).ToArray()));
        Assert.Throws<ArgumentException>(() => MemberLinkage.Of(new float[12], TwoOfEight));
    }

    [Fact]
    public void ThroughAClassifierOnTheBackend()
    {
        // A logistic attacker with zero weights and a bias on candidate 1 (a member) names it for every row.
        int inputs = 3, candidates = 8;
        var weights = new float[Classifier.ParameterCount(ClassifierShape.Logistic, inputs, candidates)];
        var attacker = new Classifier(ClassifierShape.Logistic, inputs, candidates, weights);
        using var backend = new SimdBackend();
        var x = new float[5 * inputs];
        var even = MemberLinkage.Of(backend, attacker, x, TwoOfEight);
        Assert.Equal(1.0, even.MassRatio, 4); // uniform posteriors: the member mass is the member share
        // On zero inputs only a bias moves the output: find candidate 1's bias without assuming the layout.
        Classifier With(int parameter)
        {
            var w = new float[weights.Length];
            w[parameter] = 5f;
            return new Classifier(ClassifierShape.Logistic, inputs, candidates, w);
        }
        int bias = Enumerable.Range(0, weights.Length).First(i => Classifier.ArgMax(With(i).Probabilities(backend, x), candidates)[0] == 1);
        var biased = MemberLinkage.Of(backend, With(bias), x, TwoOfEight);
        Assert.Equal(4.0, biased.TopOneRatio, 6);
        Assert.Equal(1, biased.MostNamed);
        Assert.Equal(1.0, biased.MostNamedShare, 12);
        Assert.Throws<ArgumentException>(() => MemberLinkage.Of(backend, attacker, x, MemberLinkage.Flags(4, [0])));
    }

    /// <summary>Splits of 8 candidates into 2 members: each split's member flags.</summary>
    private static readonly IReadOnlyList<bool>[] FourSplits =
        [MemberLinkage.Flags(8, [0, 1]), MemberLinkage.Flags(8, [2, 3]), MemberLinkage.Flags(8, [4, 5]), MemberLinkage.Flags(8, [1, 6])];

    [Fact]
    public void ASinkCandidateMakesSingleSplitsReadZeroOrMaximumButAgainstOtherHoldersReadsOne()
    {
        // Rows with no identity that the attacker sends to candidate 1 whatever the split: split 0 and 3
        // (where 1 is a member) read 4×, the others 0×; against the other holders' rows every split reads 1.
        var splits = FourSplits.Select(f => MemberLinkage.Of(Posteriors(10, _ => 1), f)).ToArray();
        Assert.Equal([4.0, 0.0, 0.0, 4.0], splits.Select(s => Math.Round(s.TopOneRatio, 6)));
        var mean = LinkageMean.Of(splits, FourSplits);
        Assert.Equal(2.0, mean.TopOneRatio, 6);
        Assert.Equal(Math.Sqrt(16.0 / 3 / 4), mean.TopOneError, 6); // sd of (4, 0, 0, 4) over √4
        Assert.Equal(1.0, mean.TopOneAgainstOthers, 6);
        Assert.Equal(1.0, mean.MassAgainstOthers, 6);
    }

    [Fact]
    public void RowsNamedTheirOwnHoldersMembersReadHighAgainstOtherHolders()
    {
        // Each split's rows go to its own first member: M_k = 1; other holders' rows land on split k's
        // members only where splits overlap (candidate 1 in splits 0 and 3).
        int[] own = [0, 2, 4, 1];
        var splits = FourSplits.Select((f, k) => MemberLinkage.Of(Posteriors(10, _ => own[k]), f)).ToArray();
        var mean = LinkageMean.Of(splits, FourSplits);
        Assert.Equal(4.0, mean.TopOneRatio, 6);
        // Σ M = 4; only split 0 finds other holders' rows on its members (split 3's, on candidate 1): Σ E = 1/3.
        Assert.Equal(4 / (1.0 / 3), mean.TopOneAgainstOthers, 6);
        // Leaving split 0 out leaves no overlap at all (E = 0): the jackknife error is unbounded, not NaN.
        Assert.Equal(double.PositiveInfinity, mean.TopOneAgainstOthersError);
        var one = LinkageMean.Of([splits[0]], [FourSplits[0]]);
        Assert.True(double.IsNaN(one.TopOneAgainstOthers));
        Assert.Equal(0, one.TopOneError);
    }
}
