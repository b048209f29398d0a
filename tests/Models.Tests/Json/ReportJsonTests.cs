using System.Text.Json;
using System.Text.Json.Serialization;
using DpSynth.Models.Audit;
using DpSynth.Models.Audit.DpSgd;
using DpSynth.Models.Audit.Generators;
using DpSynth.Models.Audit.Mechanisms;
using DpSynth.Models.Generators.Stimuli.Study;
using DpSynth.Privacy.Auditing;
using DpSynth.Privacy.Calibration;
using DpSynth.Tests.Shared;

namespace DpSynth.Models.Tests.Json;

/// <summary>
/// Audit reports and the stimuli study's study.json are written through source-generated metadata (a
/// NativeAOT build has no reflection-based serialisation) and give exactly the bytes the reflection
/// resolver with the non-generic enum converter gave. The study itself is compared in StimuliStudyTests.
/// </summary>
public class ReportJsonTests
{
    /// <summary>How audit reports were written before: reflection, enums in kebab-case.</summary>
    internal static JsonSerializerOptions LegacyAudit => LegacyJson.Reflection(AuditJson.Options, new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));

    /// <summary>How study.json was written before: reflection, enums in kebab-case.</summary>
    internal static JsonSerializerOptions LegacyStudy => LegacyJson.Reflection(StimuliStudyReport.JsonOptions, new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));

    [Fact]
    public void ReportOptionsResolveThroughTheirGeneratedContextsOnly()
    {
        Assert.Same(AuditJsonContext.Default, AuditJson.Options.TypeInfoResolver);
        Assert.Same(StimuliStudyJsonContext.Default, StimuliStudyReport.JsonOptions.TypeInfoResolver);
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new Version(1, 2), AuditJson.Options));
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new Version(1, 2), StimuliStudyReport.JsonOptions));
    }

    [Fact]
    public void MechanismAuditReportIsWrittenAsBefore()
    {
        var report = new MechanismAuditReport(new MechanismAuditOptions { Draws = 5000, Seed = ulong.MaxValue },
        [
            new MechanismAuditRow
            {
                Mechanism = "gaussian (chacha20 stream)", Setting = "simd, sigma 4.1, \"pair\" 0/1", Quantity = "mu",
                Claimed = 0.25, Exact = 0.2439, Estimate = 0.241, Lower = 0.19, Upper = 0.3, Draws = 5000,
                Noise = new NoiseCheck(5000, 0.01, 16.8, 0.3, -0.2, 0.1, -1.5, 0.012, 0.93),
            },
            new MechanismAuditRow
            {
                Mechanism = "quantile", Setting = "exponential mechanism", Quantity = "epsilon", Claimed = double.PositiveInfinity,
                Exact = double.NegativeInfinity, Control = PositiveControl.NoiseDividedByTen,
            },
            new MechanismAuditRow
            {
                Mechanism = "gaussian", Setting = "cuda", Quantity = "release probability", Claimed = 1e-3, Exact = 1e-300,
                Control = PositiveControl.CategoriesWithoutDp, Skipped = "no CUDA device",
            },
        ], 12.5);
        string written = AuditJson.ToJson(report);
        Assert.Equal(JsonSerializer.Serialize(report, LegacyAudit), written);
        Assert.Contains("\"NaN\"", written);
        Assert.Contains("\"control\": \"noise-divided-by-ten\"", written);
    }

    [Fact]
    public void DpSgdAuditResultsAreWrittenAsBefore()
    {
        DpSgdAuditResult[] results =
        [
            new(new DpSgdAuditOptions { GuessesPerSide = [10, 20], Seed = 3 }, 1.25, 0.998, 503, [new GuessCount(10, 19, 0.4), new GuessCount(20, 35, 0.31)], 4.5),
            new(new DpSgdAuditOptions { Control = PositiveControl.ClippingDisabled, Accountant = AccountantKind.Rdp, Trainer = AuditedTrainer.PerExample },
                double.PositiveInfinity, double.NaN, 0, [new GuessCount(1, 2, 3.5)], 0.1),
        ];
        string written = AuditJson.ToJson(results);
        Assert.Equal(JsonSerializer.Serialize(results, LegacyAudit), written);
        Assert.Contains("\"trainer\": \"per-example\"", written);
    }

    [Fact]
    public void GeneratorAuditResultsAreWrittenAsBefore()
    {
        GeneratorAuditResult[] results =
        [
            new(new GeneratorAuditOptions { Model = "dp-wgan", Runs = 8 }, 0.99, 0.5, 0.25,
                new MembershipTest("nearest \"distance\"", -0.5, 1, 4, 2, 4, 0.8, 0.9, 0), 60),
            new(new GeneratorAuditOptions { Model = "mst", Control = PositiveControl.CategoriesWithoutDp, Seed = 7 }, double.NaN, double.NegativeInfinity, 1,
                new MembershipTest("count", 2, 0, 4, 0, 4, 0.5, 0.5, double.PositiveInfinity), 1),
        ];
        string written = AuditJson.ToJson(results);
        Assert.Equal(JsonSerializer.Serialize(results, LegacyAudit), written);
        Assert.Contains("\"control\": \"categories-without-dp\"", written);
    }

    [Theory]
    [InlineData(typeof(MechanismAuditReport))]
    [InlineData(typeof(DpSgdAuditResult[]))]
    [InlineData(typeof(GeneratorAuditResult[]))]
    public void EveryEnumAnAuditReportReachesIsSpelledAsBefore(Type root)
    {
        var enums = LegacyJson.AssertEnumsSpelledAsBefore(AuditJson.Options, LegacyAudit, root);
        Assert.Contains(typeof(PositiveControl), enums);
    }

    [Fact]
    public void EveryEnumTheStudyReachesIsSpelledAsBefore() =>
        Assert.NotEmpty(LegacyJson.AssertEnumsSpelledAsBefore(StimuliStudyReport.JsonOptions, LegacyStudy, typeof(StimuliStudyResult)));
}
