using System.Text.Json.Nodes;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>`dpsynth release-twins` (twins mode of the Lipschitz VAE) end to end, and its refusals.</summary>
public sealed class ReleaseTwinsCommandTests : IDisposable
{
    private const int Rows = 600;
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-twins-cli-").FullName;
    private readonly string _table, _publicRows, _privateRows;

    public ReleaseTwinsCommandTests()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: Rows, Centres: 2, Seed: 9));
        _table = P("clinic.csv");
        _publicRows = P("rows-public.schema.json");
        _privateRows = P("rows-private.schema.json");
        CsvTableWriter.Write(sim.Generate(), _table);
        var schema = sim.Schema;
        File.WriteAllText(_publicRows, TableSchemaJson.ToJson(schema with { Rows = new DeclaredRows(Rows) }));
        File.WriteAllText(_privateRows, TableSchemaJson.ToJson(schema));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private string Fit(string schema, string name, string model = "lvae")
    {
        var fit = CliRunner.Run("fit", _table, "--schema", schema, "--model", model, "--epsilon", "0.5", "--epochs", "2", "--seed", "3", "--device", "cpu", "-o", P(name));
        Assert.True(fit.Code == 0, fit.Err);
        return P(name);
    }

    private static void AssertOneLineRefusal((int Code, string Out, string Err) r, string mentions)
    {
        Assert.Equal(2, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mentions, err);
    }

    [Fact]
    public void Twins_are_released_with_their_ledger_record_and_the_certificate_is_verified()
    {
        string model = Fit(_publicRows, "lvae.dpsynth");
        string dir = P("twins");
        var r = CliRunner.Run("release-twins", model, "--source", _table, "--per-record", "2", "--release-epsilon", "4", "--verify", "--seed", "1", "--device", "cpu", "-o", dir);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("certificate check", r.Out);
        Assert.Contains("replace-one", r.Out);
        Assert.Equal(2 * Rows + 1, File.ReadAllLines(Path.Combine(dir, "twins.csv")).Length);
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "release.json")))!;
        Assert.Equal("replace_one", record["neighbouring"]!.GetValue<string>());
        Assert.Equal(4, record["total_epsilon"]!.GetValue<double>(), 6);
        Assert.True(record["total_delta"]!.GetValue<double>() <= 1e-5);
        Assert.True(record["certificate_check"]!["passed"]!.GetValue<bool>());
        Assert.Equal(2, record["release_stage"]!["per_record"]!.GetValue<int>());
        Assert.NotNull(record["fit_ledger"]!["stages"]);
        Assert.Equal("release.json,twins.csv", string.Join(',', Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order()));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_dir), p => Path.GetFileName(p).StartsWith('.'));
    }

    [Fact]
    public void Without_a_public_row_count_twins_are_refused_and_nothing_is_written()
    {
        string model = Fit(_privateRows, "dp-count.dpsynth");
        var r = CliRunner.Run("release-twins", model, "--source", _table, "--latent-sigma", "10", "--device", "cpu", "-o", P("none"));
        AssertOneLineRefusal(r, "row count");
        Assert.False(Directory.Exists(P("none")));
        Assert.DoesNotContain(Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Err);
    }

    [Fact]
    public void Bad_release_options_and_other_kinds_are_refused_in_one_line()
    {
        string model = Fit(_publicRows, "lvae2.dpsynth");
        AssertOneLineRefusal(CliRunner.Run("release-twins", model, "--source", _table, "-o", P("a")), "exactly one");
        AssertOneLineRefusal(CliRunner.Run("release-twins", model, "--source", _table, "--latent-sigma", "1", "--release-epsilon", "2", "-o", P("b")), "exactly one");
        AssertOneLineRefusal(CliRunner.Run("release-twins", model, "--source", _table, "--latent-sigma", "1", "--per-record", "0", "-o", P("c")), "per-record");
        AssertOneLineRefusal(CliRunner.Run("release-twins", model, "--source", _table, "--release-epsilon", "0.1", "-o", P("d")), "leaves nothing");
        string td = Fit(_publicRows, "td.dpsynth", "tablediffusion");
        AssertOneLineRefusal(CliRunner.Run("release-twins", td, "--source", _table, "--latent-sigma", "1", "-o", P("e")), "lvae");
        foreach (var name in new[] { "a", "b", "c", "d", "e" }) Assert.False(Directory.Exists(P(name)));
    }
}
