using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Tests;

public class LedgerTests
{
    private static PrivacyLedger FilledLedger(AccountantKind kind)
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(3, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1234), kind);
        ledger.Spend(new LedgerStage("bounds of age", "quantiles (exponential mechanism)", DpQuantiles.Cost(2, 0.05)));
        ledger.Spend(new LedgerStage("categories of region", "histogram", DpHistogram.Cost(20, 1e-8))
        {
            Parameters = new Dictionary<string, double> { ["sigma"] = 20, ["threshold"] = 120 },
        });
        ledger.Spend(new LedgerStage("training", "dp-sgd (Poisson-subsampled Gaussian)", new SubsampledGaussianCost(1.2, 0.01, 500)));
        return ledger;
    }

    [Theory]
    [InlineData(AccountantKind.Rdp)]
    [InlineData(AccountantKind.Pld)]
    public void JsonRoundTripKeepsStagesAndEpsilon(AccountantKind kind)
    {
        var ledger = FilledLedger(kind);
        string json = ledger.ToJson();
        var back = PrivacyLedger.FromJson(json);
        Assert.Equal(ledger.Budget, back.Budget);
        Assert.Equal(ledger.Randomness, back.Randomness);
        Assert.Equal(kind, back.Accountant);
        Assert.Equal(ledger.Stages.Count, back.Stages.Count);
        for (int i = 0; i < ledger.Stages.Count; i++)
        {
            Assert.Equal(ledger.Stages[i].Name, back.Stages[i].Name);
            Assert.Equal(ledger.Stages[i].Cost, back.Stages[i].Cost);
            Assert.Equal(NeighbouringRelation.AddRemoveOne, back.Stages[i].Neighbouring);
            Assert.Equal(ledger.Stages[i].Parameters, back.Stages[i].Parameters);
        }
        Assert.Equal(ledger.TotalEpsilon, back.TotalEpsilon);
        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"neighbouring\": \"add_remove_one\"", json);
        Assert.Contains("\"kind\": \"user_seed\"", json);
        Assert.Contains("\"kind\": \"subsampled_gaussian\"", json);
    }

    [Fact]
    public void ComposesAllStagesAndPldIsTighter()
    {
        var rdp = FilledLedger(AccountantKind.Rdp);
        var pld = FilledLedger(AccountantKind.Pld);
        double trainingOnly = DpSynth.Privacy.Rdp.RdpAccountant.Epsilon(0.01, 1.2, 500, 1e-5 - 1e-8).Epsilon;
        Assert.True(rdp.TotalEpsilon > trainingOnly);
        Assert.True(pld.TotalEpsilon <= rdp.TotalEpsilon);
        Assert.True(pld.TotalEpsilon <= 3);
    }

    [Fact]
    public void RefusesStageOverBudgetBeforeSpending()
    {
        var ledger = FilledLedger(AccountantKind.Rdp);
        double before = ledger.TotalEpsilon;
        var greedy = new LedgerStage("second training", "dp-sgd", new SubsampledGaussianCost(0.5, 0.1, 1000));
        var e = Assert.Throws<PrivacyBudgetExceededException>(() => ledger.Spend(greedy));
        Assert.Contains("second training", e.Message);
        Assert.Contains("budget 3", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(3, ledger.Stages.Count);
        Assert.Equal(before, ledger.TotalEpsilon);
    }

    [Fact]
    public void MechanismDoesNotReadDataWhenRefused()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(0.1, 1e-5), new RandomnessRecord(RandomnessKind.Csprng));
        Assert.Throws<PrivacyBudgetExceededException>(() =>
            DpHistogram.Release(DataThatMustNotBeRead(), ["a"], 0.5, null, new CryptoRandomSource(), ledger, "categories"));
        Assert.Empty(ledger.Stages);
    }

    private static IEnumerable<string> DataThatMustNotBeRead()
    {
        throw new InvalidOperationException("private data was read before the budget check");
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }

    [Fact]
    public void RefusesReplaceOneNeighboursItCannotCompose()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(5, 1e-5), new RandomnessRecord(RandomnessKind.Csprng));
        var stage = new LedgerStage("x", "gaussian", new SubsampledGaussianCost(2, 1, 1)) { Neighbouring = NeighbouringRelation.ReplaceOne };
        Assert.Throws<NotSupportedException>(() => ledger.Spend(stage));
    }

    [Fact]
    public void EmptyLedgerHasZeroEpsilonAndBadBudgetsAreRefused()
    {
        Assert.Equal(0, new PrivacyLedger(new PrivacyBudget(1, 1e-5), new RandomnessRecord(RandomnessKind.Csprng)).TotalEpsilon);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyLedger(new PrivacyBudget(0, 1e-5), new RandomnessRecord(RandomnessKind.Csprng)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyLedger(new PrivacyBudget(1, 1), new RandomnessRecord(RandomnessKind.Csprng)));
    }
}
