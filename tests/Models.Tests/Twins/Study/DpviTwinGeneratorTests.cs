using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Models.Tests.Twins.Study;

/// <summary>The DPVI twin generator through the study's generator hook, on a tiny seeded clinic.</summary>
public sealed class DpviTwinGeneratorTests
{
    // Few epochs keep it fast; the defaults are exercised by `dpsynth twins study`.
    private static readonly DpviOptions Fast = DpviOptions.Default with { Epochs = 4, Components = 4 };

    private static readonly TwinStudyOptions Tiny = new()
    {
        Centres = 4, Rows = 2000, Copies = 3, Orders = 2, Seed = 3, Parallelism = 2,
    };

    [Fact]
    public void A_tiny_study_with_dpvi_twins_runs_spends_at_most_epsilon_and_records_the_generator()
    {
        var result = TwinStudy.Run(Tiny, new DpviTwinGenerator(Fast));
        Assert.Equal("dpvi", result.Generator);
        Assert.False(result.CopiesFromOneModel);
        Assert.Equal([0, 1, 2, 3], result.Summary.Select(r => r.K));
        Assert.Equal(4 * 2 * 3, result.Joins.Count);
        Assert.All(result.Centres, c => Assert.InRange(c.EpsilonSpent, 0.5, Tiny.Epsilon));
        // Local data always takes part, so pooled analyses succeed and give finite figures.
        Assert.All(result.Joins, j => Assert.True(j.Metrics.Succeeded, j.Metrics.Error));
        Assert.All(result.Summary.Skip(1), s => Assert.InRange(s.Coverage, 0, 1));
        var caveats = result.Caveats().ToArray();
        Assert.Contains(caveats, c => c.Contains("separate draws from its variational posterior", StringComparison.Ordinal));
        Assert.DoesNotContain(caveats, c => c.Contains("too narrow", StringComparison.Ordinal));
        var settings = TwinStudyJson.ToJson(result)["settings"]!;
        Assert.Equal("dpvi", (string)settings["generator"]!);
        Assert.False((bool)settings["copies_from_one_model"]!);
        Assert.Contains("own posterior draw", (string)settings["copy_draws"]!);
    }

    [Fact]
    public void Each_copy_is_its_own_posterior_draw_with_the_party_row_count_and_seeded_copies_repeat()
    {
        var simulator = new ClinicSimulator(new ClinicSimulatorOptions(600, 1, 11));
        var all = simulator.Generate();
        string[] columns = ["age_group", "sex", "smoker", "visits"];
        var keep = columns.ToHashSet(StringComparer.Ordinal);
        var schema = new TableSchema(simulator.Schema.Columns.Where(c => keep.Contains(c.Name)).ToArray(), simulator.Schema.MissingMarkers);
        var training = TableRows.Select(all, Enumerable.Range(0, 600).ToList(), "party", keep);
        var request = new TwinReleaseRequest("party", training, schema, "visits", GlmFamily.Poisson, 1, 1e-6, 3, 21);
        var generator = new DpviTwinGenerator(Fast);

        var release = generator.Release(request, CancellationToken.None);
        Assert.Equal(3, release.Copies.Count);
        Assert.InRange(release.SpentEpsilon, 0.5, 1.0);
        Assert.All(release.Copies, t =>
        {
            Assert.Equal(600, t.RowCount);
            Assert.All(columns, c => Assert.NotNull(t.Find(c)));
        });
        // Different copies come from different posterior draws (and rows), so their outcomes differ.
        var visits = release.Copies.Select(t => ((NumericColumn)t.Find("visits")!).Values.ToArray()).ToArray();
        Assert.NotEqual(visits[0], visits[1]);
        Assert.NotEqual(visits[1], visits[2]);
        // The same seed gives the same release.
        var again = generator.Release(request, CancellationToken.None);
        Assert.Equal(visits[2], ((NumericColumn)again.Copies[2].Find("visits")!).Values.ToArray());
    }
}
