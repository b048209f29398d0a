using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Simulation;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

/// <summary>The stimulus generators' output range: read from windows, released privately, and respected by the search.</summary>
public sealed class GeneratorRangeTests(SmallTeacherFixture fixture) : IClassFixture<SmallTeacherFixture>
{
    // Three rows of two columns: column 0 has mean 0.2 and standard deviation √(0.08/3); column 1 is constant.
    private static readonly float[] Rows = [0.0f, 0.5f, 0.2f, 0.5f, 0.4f, 0.5f];

    [Fact]
    public void FromWindowsIsEachColumnsMeanAndStandardDeviationWithAFloor()
    {
        var range = GeneratorRange.FromWindows(Rows, 2);
        Assert.Equal(0.2f, range.Centre[0], 5);
        Assert.Equal(0.5f, range.Centre[1], 5);
        Assert.Equal((float)(GeneratorRange.SpreadFactor * Math.Sqrt(0.08 / 3)), range.Spread[0], 5);
        Assert.Equal(GeneratorRange.MinSpread, range.Spread[1]); // a constant column keeps some room
        Assert.Equal("windows", range.Source);
    }

    [Fact]
    public void PrivateRangeSpendsOneGaussianStageAndApproachesTheTruthWithLittleNoise()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(100, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1));
        // 300,000 rows: noise of σ = 2 on the sums is negligible once divided by the count.
        var many = Enumerable.Repeat(Rows, 100_000).SelectMany(r => r).ToArray();
        var range = GeneratorRange.Private(many, 2, 1f, 300_000, 1, new SeededRandomSource(3), ledger);
        var stage = Assert.Single(ledger.Stages);
        Assert.Contains("output range", stage.Name);
        Assert.Equal(Math.Sqrt(4), stage.Parameters["sigma"], 9); // σ = multiplier × limit·√(2·width)
        Assert.InRange(ledger.TotalEpsilon, 1, 100);
        Assert.Equal(0.2f, range.Centre[0], 3);
        Assert.Equal((float)(GeneratorRange.SpreadFactor * Math.Sqrt(0.08 / 3)), range.Spread[0], 3);
        Assert.Equal("dp", range.Source);
        // With much noise the range still stays inside the scaling's limit.
        var noisy = GeneratorRange.Private(Rows, 2, 1f, 3, 100, new SeededRandomSource(4), ledger);
        Assert.Equal(2, ledger.Stages.Count);
        Assert.All(noisy.Centre, c => Assert.InRange(c, -1f, 1f));
        Assert.All(noisy.Spread, s => Assert.InRange(s, GeneratorRange.MinSpread, 1f));
    }

    [Fact]
    public void SearchedStimuliStayWithinTheGeneratorsRange()
    {
        using var backend = new SimdBackend();
        var centre = Enumerable.Range(0, 240).Select(j => j < 180 ? 0f : 0.5f).ToArray(); // SpO₂ columns centred high
        var spread = Enumerable.Repeat(0.2f, 240).ToArray();
        var (stimuli, summary) = StimulusSearch.Run(backend, fixture.Teacher, null, 1f, new StimulusSearchOptions
        {
            Count = 40, Lanes = 8, Seed = 9, Workers = 1, OutputCentre = centre, OutputSpread = spread,
        });
        Assert.True(summary.Completed);
        for (int i = 0; i < stimuli.Count; i++)
            for (int j = 0; j < 240; j++)
                Assert.InRange(stimuli.Values[i * 240 + j], centre[j] - 0.2f - 1e-5f, centre[j] + 0.2f + 1e-5f);
        // The SpO₂ block really is centred where it was asked to be (not at 0).
        double spo2 = Enumerable.Range(0, stimuli.Count).SelectMany(i => stimuli.Values.Skip(i * 240 + 180).Take(60)).Average(v => v);
        Assert.InRange(spo2, 0.35, 0.65);
    }

    [Fact]
    public void TheTeacherFileKeepsTheRange()
    {
        var range = new GeneratorRange(Enumerable.Range(0, 240).Select(j => j / 480f).ToArray(), Enumerable.Repeat(0.3f, 240).ToArray(), "windows");
        var model = new StimuliTeacher(fixture.Teacher, null, fixture.Scaling, ApneaSimulator.ColumnNames.ToArray(), ["0", "1"], null, [], range);
        string path = Path.Combine(Path.GetTempPath(), $"dpsynth-range-{Guid.NewGuid():N}.dpsynth");
        try
        {
            StimuliTeacherFile.Save(path, model);
            var loaded = StimuliTeacherFile.Load(path);
            Assert.Equal(range.Centre, loaded.Range.Centre);
            Assert.Equal(range.Spread, loaded.Range.Spread);
            Assert.Equal("windows", loaded.Range.Source);
        }
        finally { File.Delete(path); }
    }
}
