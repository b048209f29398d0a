using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Models.Tests.Twins.Study;

/// <summary>The DPVI twin generator from the registry in the study, on a tiny seeded clinic.</summary>
public sealed class DpviTwinStudyTests
{
    // Few epochs keep it fast; the defaults are exercised by `dpsynth twins study`.
    private static readonly GeneratorSettings Fast = GeneratorSettings.Empty.With("epochs", 4).With("components", 4);

    private static Generator Dpvi => GeneratorRegistry.Get("dpvi");

    private static readonly TwinStudyOptions Tiny = new()
    {
        Centres = 4, Rows = 2000, Copies = 3, Orders = 2, Seed = 3, Parallelism = 2,
    };

    [Fact]
    public void A_tiny_study_with_dpvi_twins_runs_spends_at_most_epsilon_and_records_the_generator()
    {
        var result = TwinStudy.Run(Tiny, Dpvi, Fast);
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
        var request = new FitRequest { Epsilon = 1, Delta = 1e-6, Seed = 21, Settings = Fast.With("outcome", "visits").With("family", "poisson") };
        IReadOnlyList<Table> Release()
        {
            var model = Dpvi.Fit(training, schema, request, null);
            Assert.False(model.CopiesFromOneModel);
            Assert.InRange(model.Summary.Epsilon, 0.5, 1.0);
            return Enumerable.Range(0, 3).Select(m => Concat(model.Sample(SampleRequest.ForCopy(model, 600, m, 3, 21), null))).ToArray();
        }

        var copies = Release();
        Assert.Equal(3, copies.Count);
        Assert.All(copies, t =>
        {
            Assert.Equal(600, t.RowCount);
            Assert.All(columns, c => Assert.NotNull(t.Find(c)));
        });
        // Different copies come from different posterior draws (and rows), so their outcomes differ.
        var visits = copies.Select(t => ((NumericColumn)t.Find("visits")!).Values.ToArray()).ToArray();
        Assert.NotEqual(visits[0], visits[1]);
        Assert.NotEqual(visits[1], visits[2]);
        // The same seed gives the same release.
        var again = Release();
        Assert.Equal(visits[2], ((NumericColumn)again[2].Find("visits")!).Values.ToArray());
    }

    private static Table Concat(IEnumerable<Table> batches) => TableRows.Concat(batches, "copy");
}
