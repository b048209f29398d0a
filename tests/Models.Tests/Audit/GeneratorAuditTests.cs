using DpSynth.Models.Audit;
using DpSynth.Models.Audit.Generators;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Audit;

public class GeneratorAuditTests
{
    [Fact]
    public void DpviIsNotCaughtAboveItsClaim()
    {
        var result = GeneratorAudit.Run(new GeneratorAuditOptions { Model = "dpvi", Epsilon = 1, Runs = 12, Seed = 3 });
        Assert.True(result.EpsilonLowerBound <= 1);
        Assert.True(result.LedgerEpsilon <= 1);
        Assert.Equal(3, result.Test.Positives);
        Assert.Equal(3, result.Test.Negatives);
    }

    [Fact]
    public void CategoriesReadWithoutDpAreCaughtInTableDiffusionOutput()
    {
        // The control leaves column a's category set private and then reads it exactly: the target's
        // a0 can reach the synthetic rows only when the target was in. Claimed ε is small so that
        // about a hundred fits suffice (the marginals zero a0 in about half the fits with the target).
        var result = GeneratorAudit.Run(new GeneratorAuditOptions
        {
            Model = "tablediffusion", Epsilon = 0.5, Runs = 120, SyntheticRows = 200, Control = PositiveControl.CategoriesWithoutDp, Seed = 5,
        });
        Assert.True(result.LedgerEpsilon <= 0.5, "the ledger must still claim the sound fit");
        Assert.True(result.EpsilonLowerBound > 0.5, $"epsilon-hat {result.EpsilonLowerBound} with {result.Test}");
        Assert.Equal(0, result.MeanScoreOut); // without the target a0 cannot appear at all
    }

    [Fact]
    public void ExactCategoryFaultReleasesTheTargetsCategoryWhileTheLedgerRecordsDiscovery()
    {
        var schema = AuditTable.Schema(privateCategoriesOfA: true);
        var table = AuditTable.Create(withTarget: true);
        var ledger = new Privacy.Ledger.PrivacyLedger(new(1, 1e-5), new(Privacy.Randomness.RandomnessKind.UserSeed, 1));
        var sound = TableEncoder.Fit(table, schema, new EncoderFitOptions { Epsilon = 0.5, Random = new Privacy.Randomness.SeededRandomSource(1) }, ledger);
        var faultyLedger = new Privacy.Ledger.PrivacyLedger(new(1, 1e-5), new(Privacy.Randomness.RandomnessKind.UserSeed, 1));
        var faulty = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Epsilon = 0.5, Random = new Privacy.Randomness.SeededRandomSource(1), Faults = AuditFaults.For(PositiveControl.CategoriesWithoutDp),
        }, faultyLedger);
        static string[] CategoriesOfA(TableEncoder e) => ((OneHotEncoder)e.Columns.Single(c => c.Name == "a")).Categories;
        Assert.DoesNotContain("a0", CategoriesOfA(sound)); // one record's category: below the DP threshold
        Assert.Equal(["a0", "a1", "a2", "a3"], CategoriesOfA(faulty));
        Assert.Equal(ledger.Stages.Select(s => s.Name), faultyLedger.Stages.Select(s => s.Name));
    }

    public static TheoryData<string> KindsThatDiscoverCategories() =>
        new(AuditedGenerators.Kinds.Where(k => AuditedGenerators.Controls(k).Contains(PositiveControl.CategoriesWithoutDp)));

    /// <summary>
    /// Every generator the audit breaks with categories-without-DP must honour the fault (else its
    /// control is a no-op and can only be missed): the faulty fit's domain holds the target's a0,
    /// the sound fit's does not, and both ledgers claim the same stages.
    /// </summary>
    [Theory]
    [MemberData(nameof(KindsThatDiscoverCategories))]
    public void TheCategoryFaultReachesEveryGeneratorThatDiscoversCategories(string kind)
    {
        Assert.Contains(kind, (IEnumerable<string>)["tablediffusion", "dpwgan", "lvae"]);
        var table = AuditTable.Create(withTarget: true);
        var schema = AuditTable.Schema(privateCategoriesOfA: true);
        var generator = DpSynth.Models.Generators.GeneratorRegistry.Get(kind);
        using var backend = generator.UsesBackend ? new DpSynth.Kernels.Simd.SimdBackend() : null;
        DpSynth.Models.Generators.FittedModel Fit(AuditFaults faults) => generator.Fit(table, schema,
            new DpSynth.Models.Generators.FitRequest { Epsilon = 1, Delta = 1e-5, Seed = 7, Faults = faults }, backend, null, default);
        var sound = Fit(AuditFaults.None);
        var faulty = Fit(AuditFaults.For(PositiveControl.CategoriesWithoutDp));
        static IReadOnlyList<string> CategoriesOfA(DpSynth.Models.Generators.FittedModel m) => m.Domains.Single(d => d.Name == "a").Categories ?? [];
        Assert.DoesNotContain("a0", CategoriesOfA(sound));
        Assert.Contains("a0", CategoriesOfA(faulty));
        Assert.Equal(sound.Ledger!.Stages.Select(s => s.Name), faulty.Ledger!.Stages.Select(s => s.Name));
    }

    [Fact]
    public void HeldOutHalfDecidesAndChoiceSeesOnlyTheFirstHalf()
    {
        // A statistic that separates perfectly on the first half and is reversed on the second certifies nothing.
        double[][] first = [[0.9], [0.8], [0.1], [0.2]];
        bool[] firstIn = [true, true, false, false];
        var (statistic, threshold) = GeneratorAudit.Choose(first, firstIn, 1e-5, 0.05);
        Assert.Equal(0, statistic);
        Assert.Equal(0.8, threshold);
        var test = GeneratorAudit.Evaluate("s", [0.9, 0.8, 0.1, 0.2], [false, false, true, true], threshold, 1e-5, 0.05);
        Assert.Equal(2, test.FalsePositives);
        Assert.Equal(2, test.FalseNegatives);
        Assert.Equal(0, test.Epsilon);
    }
}
