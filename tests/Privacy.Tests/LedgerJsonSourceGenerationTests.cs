using System.Text.Json;
using System.Text.Json.Serialization;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;
using DpSynth.Tests.Shared;

namespace DpSynth.Privacy.Tests;

/// <summary>
/// The ledger's JSON metadata comes from the source-generated <see cref="LedgerJsonContext"/> alone,
/// and it writes and reads exactly what the reflection resolver did — so a member the generator
/// skipped (or a default it lost) fails here rather than silently vanishing from a model file.
/// </summary>
public class LedgerJsonSourceGenerationTests
{
    private static PrivacyLedger EveryCostKind(AccountantKind accountant)
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(50, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, ulong.MaxValue), accountant);
        ledger.Spend(new LedgerStage("rows", "discrete gaussian", new DiscreteGaussianCost(10, 1, 1e-9))
        {
            Parameters = new Dictionary<string, double> { ["sigma"] = 10, ["threshold"] = 0.1 },
        });
        ledger.Spend(new LedgerStage("bounds", "quantiles", new ExponentialMechanismCost(0.1, 2)));
        ledger.Spend(new LedgerStage("flags", "laplace", new PureDpCost(0.2, 0.005)));
        ledger.Spend(new LedgerStage("flags without rho", "laplace", new PureDpCost(0.3)));
        ledger.Spend(new LedgerStage("other", "approximate", new ApproximateDpCost(0.1, 1e-7)));
        ledger.Spend(new LedgerStage("training", "dp-sgd", new SubsampledGaussianCost(1.1, 0.01, 300)));
        return ledger;
    }

    /// <summary>The ledger's options as before source generation: reflection, and the non-generic enum converter.</summary>
    private static JsonSerializerOptions Reflection() =>
        LegacyJson.Reflection(PrivacyLedger.JsonOptions, new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));

    [Fact]
    public void EveryEnumInTheLedgerIsSpelledAsBefore()
    {
        var enums = LegacyJson.AssertEnumsSpelledAsBefore(PrivacyLedger.JsonOptions, Reflection(), typeof(LedgerDocument));
        Assert.Equal([typeof(AccountantKind), typeof(NeighbouringRelation), typeof(RandomnessKind)], enums.OrderBy(t => t.Name));
    }

    [Fact]
    public void LedgerOptionsResolveThroughTheGeneratedContextOnly()
    {
        Assert.Same(LedgerJsonContext.Default, PrivacyLedger.JsonOptions.TypeInfoResolver);
        Assert.Single(PrivacyLedger.JsonOptions.TypeInfoResolverChain);
        var cost = PrivacyLedger.JsonOptions.GetTypeInfo(typeof(PrivacyCost));
        Assert.Equal(5, cost.PolymorphismOptions!.DerivedTypes.Count);
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new Version(1, 2), PrivacyLedger.JsonOptions));
    }

    [Theory]
    [InlineData(AccountantKind.Rdp)]
    [InlineData(AccountantKind.Pld)]
    public void LedgerWritesAndReadsAsTheReflectionResolverDoes(AccountantKind accountant)
    {
        var ledger = EveryCostKind(accountant);
        string generated = ledger.ToJson();
        var document = new LedgerDocument(PrivacyLedger.FormatVersion, ledger.Accountant, ledger.Budget, ledger.Randomness, ledger.Stages, ledger.TotalEpsilon);
        Assert.Equal(JsonSerializer.Serialize(document, Reflection()), generated);

        var back = PrivacyLedger.FromJson(generated);
        Assert.Equal(generated, back.ToJson());
        Assert.Equal(ledger.Stages.Select(s => s.Cost), back.Stages.Select(s => s.Cost));
        Assert.Equal(ledger.Stages[0].Parameters, back.Stages[0].Parameters);
        var viaReflection = JsonSerializer.Deserialize<LedgerDocument>(generated, Reflection())!;
        Assert.Equal(generated, JsonSerializer.Serialize(viaReflection, PrivacyLedger.JsonOptions));
    }

    [Fact]
    public void AStageWithoutOptionalKeysReadsWithTheirDefaults()
    {
        // A hand-written or older ledger may leave out the stage's neighbouring relation and parameters:
        // both resolvers must give the record's defaults, not null.
        string json = """
            {"format_version": 1, "accountant": "rdp", "budget": {"epsilon": 1, "delta": 1e-5},
             "randomness": {"kind": "csprng"}, "total_epsilon": 0.5,
             "stages": [{"name": "s", "mechanism": "m", "cost": {"kind": "pure_dp", "epsilon": 0.5}}]}
            """;
        var stage = PrivacyLedger.FromJson(json).Stages.Single();
        Assert.Equal(NeighbouringRelation.AddRemoveOne, stage.Neighbouring);
        Assert.NotNull(stage.Parameters);
        Assert.Empty(stage.Parameters);
        var viaReflection = JsonSerializer.Deserialize<LedgerDocument>(json, Reflection())!.Stages.Single();
        Assert.Equal(viaReflection.Parameters, stage.Parameters);
    }
}
