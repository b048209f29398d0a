using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>The commands reach generators through the registry: `models`, `fit --model` for every kind, `sample` of any kind, and their refusals.</summary>
public sealed class GeneratorRegistryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-registry-cli-").FullName;
    private readonly string _train, _schema;

    public GeneratorRegistryCommandTests()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 1200, Centres: 4, Seed: 8));
        _train = P("train.csv");
        _schema = P("clinic.schema.json");
        CsvTableWriter.Write(sim.Generate(), _train);
        File.WriteAllText(_schema, TableSchemaJson.ToJson(sim.Schema));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static void AssertOneLineRefusal((int Code, string Out, string Err) r, string mentions)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mentions, err);
    }

    [Fact]
    public void Models_lists_every_registered_kind_on_a_line_and_fit_help_does_too()
    {
        var r = CliRunner.Run("models");
        Assert.Equal(0, r.Code);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var g in GeneratorRegistry.All)
        {
            Assert.Contains(lines, l => l.StartsWith(g.Kind + " ", StringComparison.Ordinal) && l.Contains(g.Description, StringComparison.Ordinal));
            Assert.All(g.Settings, s => Assert.Contains(lines, l => l.TrimStart().StartsWith(s.Name + " ", StringComparison.Ordinal)));
        }
        var help = CliRunner.Run("fit", "--help");
        Assert.Equal(0, help.Code);
        Assert.All(GeneratorRegistry.All, g => Assert.Contains(g.Description, help.Out));
    }

    [Fact]
    public void Dpvi_fits_through_fit_and_samples_through_sample_with_shards()
    {
        string model = P("dpvi.dpsynth");
        var fit = CliRunner.Run("fit", _train, "--schema", _schema, "--model", "dpvi", "--outcome", "visits", "--epochs", "2",
            "--set", "components=4", "--epsilon", "1", "--seed", "3", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.Contains("fitted dpvi (K = 4, poisson outcome visits)", fit.Out);
        Assert.Contains("cpu (host)", fit.Out);

        var whole = CliRunner.Run("sample", model, "--rows", "1500", "--seed", "2", "-o", P("whole.csv"));
        Assert.True(whole.Code == 0, whole.Err);
        var rows = File.ReadAllLines(P("whole.csv"));
        Assert.Equal(1501, rows.Length);
        var parts = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            var shard = CliRunner.Run("sample", model, "--rows", "1500", "--seed", "2", "--shard", $"{i}/2", "-o", P($"part{i}.csv"));
            Assert.True(shard.Code == 0, shard.Err);
            parts.AddRange(File.ReadAllLines(P($"part{i}.csv")).Skip(1));
        }
        Assert.Equal(rows.Skip(1), parts);

        // evaluate samples from a model file of any kind as well (the real table's size).
        var eval = CliRunner.Run("evaluate", "--real", _train, "--model", model, "--seed", "2", "--test", _train, "--label", "event", "--schema", _schema);
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("rows: real 1200, synthetic 1200, test 1200", eval.Out);
        AssertOneLineRefusal(CliRunner.Run("evaluate", "--real", _train, "--test", _train, "--label", "event"), "give either --synthetic or --model");
    }

    [Fact]
    public void Dpvi_without_a_schema_is_refused_before_reading_the_data()
    {
        // Without --schema every domain is private and dpvi cannot infer a schema with DP: refused before the file is read.
        var r = CliRunner.Run("fit", _train, "--model", "dpvi", "--epsilon", "1", "-o", P("x.dpsynth"));
        AssertOneLineRefusal(r, "the dpvi generator needs --schema");
        Assert.False(File.Exists(P("x.dpsynth")));
    }

    [Theory]
    [InlineData("--model gan", "--model: 'gan' is not a generator; the generators are: tablediffusion, dpvi")]
    [InlineData("--model dpvi --preset paper", "--preset does not apply to dpvi (its settings: outcome, family, epochs, components)")]
    [InlineData("--outcome visits", "--outcome does not apply to tablediffusion")]
    [InlineData("--set bogus=1", "tablediffusion takes no setting 'bogus' (its settings: preset, epochs)")]
    [InlineData("--set epochs", "--set: 'epochs' is not key=value")]
    [InlineData("--epochs 2 --set epochs=3", "--epochs and --set epochs=... give the same setting twice")]
    [InlineData("--model dpvi --family gamma", "dpvi setting family: expected poisson or logistic, got 'gamma'")]
    public void Generator_choices_and_settings_are_refused_in_one_line(string options, string mentions)
    {
        AssertOneLineRefusal(CliRunner.Run(["fit", _train, "--schema", _schema, "--epsilon", "1", .. options.Split(' '), "-o", P("y.dpsynth")]), mentions);
        Assert.False(File.Exists(P("y.dpsynth")));
    }
}
