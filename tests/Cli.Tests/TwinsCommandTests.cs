using System.Text.Json;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>
/// Two tiny simulated parties (split by centre) and one release of party B's twins, made once and
/// shared by the tests of <see cref="TwinsCommandTests"/> so that the generator is fitted once.
/// </summary>
public sealed class TwinsFixture : IDisposable
{
    /// <summary>Creates the parties' tables, the schema and the release of party B.</summary>
    public TwinsFixture()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 1500, Centres: 4, Seed: 11));
        string all = P("all.csv");
        CsvTableWriter.Write(sim.Generate(), all);
        Schema = P("clinic.schema.json");
        File.WriteAllText(Schema, TableSchemaJson.ToJson(sim.Schema));
        // Two parties by centre: A holds the first two centres, B the other two.
        var lines = File.ReadAllLines(all);
        int centre = Array.IndexOf(lines[0].Split(','), "centre");
        var firstTwo = sim.CentreNames.Take(2).ToHashSet();
        PartyA = P("a.csv");
        PartyB = P("b.csv");
        File.WriteAllLines(PartyA, lines.Take(1).Concat(lines.Skip(1).Where(l => firstTwo.Contains(l.Split(',')[centre]))));
        File.WriteAllLines(PartyB, lines.Take(1).Concat(lines.Skip(1).Where(l => !firstTwo.Contains(l.Split(',')[centre]))));
        TwinsB = P("twins_b");
        ReleaseB = Release(PartyB, TwinsB, "--generator", "tablediffusion");
    }

    /// <summary>Scratch directory of the test class.</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("dpsynth-twins-cli-").FullName;

    /// <summary>Party A's table (the analyst's local data).</summary>
    public string PartyA { get; }

    /// <summary>Party B's table.</summary>
    public string PartyB { get; }

    /// <summary>The simulator's public schema.</summary>
    public string Schema { get; }

    /// <summary>Party B's TableDiffusion release directory (3 copies).</summary>
    public string TwinsB { get; }

    /// <summary>What `twins release` returned for <see cref="TwinsB"/>.</summary>
    public (int Code, string Out, string Err) ReleaseB { get; }

    /// <summary>A path in the scratch directory.</summary>
    public string P(string name) => Path.Combine(Dir, name);

    /// <summary>Runs `twins release` with tiny settings (1 epoch, 3 copies, seeded, CPU); the generator is the default (dpvi) unless <paramref name="more"/> names one.</summary>
    public (int Code, string Out, string Err) Release(string party, string dir, params string[] more) =>
        CliRunner.Run(["twins", "release", party, "--schema", Schema, "--epsilon", "2", "--delta", "1e-6", "--copies", "3",
            "--epochs", "1", "--seed", "5", "--device", "cpu", "-o", dir, .. more]);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>`dpsynth twins release` and `twins analyse` end to end on two tiny simulated parties, and their refusals.</summary>
public sealed class TwinsCommandTests(TwinsFixture f) : IClassFixture<TwinsFixture>
{
    private readonly string _dir = f.Dir, _partyA = f.PartyA, _partyB = f.PartyB, _schema = f.Schema;

    private string P(string name) => f.P(name);

    private (int Code, string Out, string Err) Release(string party, string dir, params string[] more) => f.Release(party, dir, more);

    private static void AssertOneLineRefusal((int Code, string Out, string Err) r, string? mentions = null)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        if (mentions is not null) Assert.Contains(mentions, err);
    }

    [Fact]
    public void ReleaseWritesCopiesModelLedgerAndCaveats()
    {
        string dir = f.TwinsB;
        var r = f.ReleaseB;
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("released 3 synthetic copies", r.Out);
        // Header + the fit's DP row count (the party's exact count is not released).
        int rows = (int)Models.Generators.GeneratorRegistry.Load(Path.Combine(dir, "model.dpsynth")).Summary.RowCount!.Value + 1;
        var names = Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)!).Order().ToArray();
        Assert.Equal(["caveats.txt", "ledger.json", "model.dpsynth", "release.json", "twin_1.csv", "twin_2.csv", "twin_3.csv"], names);
        var copies = Enumerable.Range(1, 3).Select(m => File.ReadAllLines(Path.Combine(dir, $"twin_{m}.csv"))).ToArray();
        foreach (var c in copies) Assert.Equal(rows, c.Length);
        Assert.NotEqual(copies[0].Skip(1), copies[1].Skip(1)); // disjoint noise per copy
        // No temporary directory is left beside the release.
        Assert.DoesNotContain(Directory.EnumerateDirectories(_dir), d => Path.GetFileName(d).StartsWith('.'));

        using var ledger = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "ledger.json")));
        Assert.Contains("training", ledger.RootElement.GetRawText());
        Assert.Contains("\"row count\"", ledger.RootElement.GetRawText());
        string caveats = File.ReadAllText(Path.Combine(dir, "caveats.txt"));
        Assert.Contains("tablediffusion", caveats);
        Assert.Contains("draws from one fitted model", caveats);
        Assert.Contains("row count", caveats);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "release.json")));
        Assert.Equal(3, manifest.RootElement.GetProperty("copies").GetInt32());
        Assert.True(manifest.RootElement.GetProperty("copies_from_one_model").GetBoolean());
        Assert.True(manifest.RootElement.GetProperty("epsilon_spent").GetDouble() <= 2 + 1e-9);
    }

    [Fact]
    public void ReleaseWithDeclaredRowsAndForce()
    {
        string dir = P("twins_rows");
        Assert.Equal(0, Release(_partyB, dir, "--rows", "200").Code);
        Assert.Equal(201, File.ReadAllLines(Path.Combine(dir, "twin_2.csv")).Length);
        Assert.Contains("declared (public) row count 200", File.ReadAllText(Path.Combine(dir, "caveats.txt")));

        AssertOneLineRefusal(Release(_partyB, dir), "--force");
        var again = Release(_partyB, dir, "--rows", "100", "--force");
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(101, File.ReadAllLines(Path.Combine(dir, "twin_1.csv")).Length);
    }

    [Fact]
    public void AnalysePrintsPooledAndLocalCoefficients()
    {
        string b = f.TwinsB;
        Assert.Equal(0, f.ReleaseB.Code);
        var r = CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", b, "--formula", "visits ~ age_group + sex + smoker",
            "--family", "poisson", "--schema", _schema, "--reference", "sex=F");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("M = 3 combined datasets", r.Out);
        Assert.Contains("(Intercept)", r.Out);
        Assert.Contains("sex[M]", r.Out);
        Assert.Contains("smoker", r.Out);
        Assert.Contains("pooled", r.Out);
        Assert.Contains("local", r.Out);
        Assert.Contains("draws from one fitted model", r.Out);

        var j = CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", b, "--formula", "event ~ age_group + smoker",
            "--family", "logistic", "--schema", _schema, "--json");
        Assert.True(j.Code == 0, j.Err);
        using var doc = JsonDocument.Parse(j.Out);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("copies").GetInt32());
        var first = root.GetProperty("coefficients")[0];
        Assert.Equal("(Intercept)", first.GetProperty("name").GetString());
        double est = first.GetProperty("pooled").GetProperty("estimate").GetDouble();
        Assert.True(double.IsFinite(est));
        Assert.True(first.GetProperty("pooled").GetProperty("fallback").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(first.GetProperty("local").GetProperty("se").GetDouble() > 0);
        Assert.True(root.GetProperty("caveats").GetArrayLength() >= 1);
    }

    [Fact]
    public void AnalyseRefusesBadInputInOneLine()
    {
        string b = f.TwinsB;
        Assert.Equal(0, f.ReleaseB.Code);
        string[] Args(string formula, string family, params string[] more) =>
            ["twins", "analyse", "--local", _partyA, "--twins", b, "--formula", formula, "--family", family, "--schema", _schema, .. more];

        AssertOneLineRefusal(CliRunner.Run(Args("visits ~ age_group + shoe_size", "poisson")), "shoe_size");
        AssertOneLineRefusal(CliRunner.Run(Args("visits ~ age_group", "gamma")), "gamma");
        AssertOneLineRefusal(CliRunner.Run(Args("visits ~ age_group +", "poisson")), "formula");
        AssertOneLineRefusal(CliRunner.Run(Args("visits ~ age_group", "poisson", "--reference", "age_group=999")), "999");

        // A twin whose schema differs from the local data: one column dropped.
        string other = P("twins_other");
        Directory.CreateDirectory(other);
        for (int m = 1; m <= 3; m++)
        {
            var lines = File.ReadAllLines(Path.Combine(b, $"twin_{m}.csv"));
            File.WriteAllLines(Path.Combine(other, $"twin_{m}.csv"), lines.Select(l => string.Join(',', l.Split(',').SkipLast(1))));
        }
        AssertOneLineRefusal(CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", other, "--formula", "visits ~ sex",
            "--family", "poisson", "--schema", _schema), "twin_1.csv");

        // Unequal numbers of copies across directories.
        string two = P("twins_two");
        Directory.CreateDirectory(two);
        for (int m = 1; m <= 2; m++) File.Copy(Path.Combine(b, $"twin_{m}.csv"), Path.Combine(two, $"twin_{m}.csv"));
        AssertOneLineRefusal(CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", b, two, "--formula", "visits ~ sex",
            "--family", "poisson", "--schema", _schema), "same number");
        AssertOneLineRefusal(CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", b, b, "--formula", "visits ~ sex",
            "--family", "poisson", "--schema", _schema), "more than once");
    }

    [Fact]
    public void ReleaseRefusesBadInputInOneLine()
    {
        AssertOneLineRefusal(Release(_partyB, P("x"), "--copies", "1"), "--copies");
        AssertOneLineRefusal(Release(P("missing.csv"), P("y")), "missing.csv");
        AssertOneLineRefusal(Release(_partyB, P("z"), "--generator", "gan"), "gan");
        AssertOneLineRefusal(Release(_partyB, P("z"), "--family", "gamma"), "gamma");
        AssertOneLineRefusal(Release(_partyB, P("z"), "--outcome", "shoe_size"), "shoe_size");
        AssertOneLineRefusal(Release(_partyB, P("z"), "--generator", "tablediffusion", "--outcome", "visits"), "--outcome");
        // DPVI twins need public category sets: a private one is refused, naming the column.
        string privateSchema = P("private.schema.json");
        var schema = TableSchemaJson.Parse(File.ReadAllText(_schema), _schema);
        File.WriteAllText(privateSchema, TableSchemaJson.ToJson(schema with
        {
            Columns = schema.Columns.Select(c => c.Name == "ethnicity" ? c with { Categories = c.Categories! with { Public = false } } : c).ToArray(),
        }));
        AssertOneLineRefusal(CliRunner.Run("twins", "release", _partyB, "--schema", privateSchema, "--epsilon", "1", "--copies", "2", "-o", P("z")), "ethnicity");
        Assert.False(Directory.Exists(P("z")));
        Assert.False(Directory.Exists(P("x")));
        Assert.False(Directory.Exists(P("y")));
    }

    [Fact]
    public void DpviReleaseWritesSeparatePosteriorDrawsThatAnalyseReads()
    {
        string dir = P("twins_dpvi");
        var r = Release(_partyB, dir, "--outcome", "visits", "--family", "poisson");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("released 3 synthetic copies", r.Out);
        Assert.Contains("dpvi", r.Out);
        var names = Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)!).Order().ToArray();
        Assert.Equal(["caveats.txt", "ledger.json", "model.dpsynth", "release.json", "twin_1.csv", "twin_2.csv", "twin_3.csv"], names);
        var party = File.ReadAllLines(_partyB);
        var copies = Enumerable.Range(1, 3).Select(m => File.ReadAllLines(Path.Combine(dir, $"twin_{m}.csv"))).ToArray();
        long released = Models.Generators.GeneratorRegistry.Load(Path.Combine(dir, "model.dpsynth")).Summary.RowCount!.Value;
        foreach (var c in copies)
        {
            Assert.Equal(released + 1, c.Length);
            Assert.Equal(party[0], c[0]); // the schema's columns, in the party's order
        }
        Assert.NotEqual(copies[0].Skip(1), copies[1].Skip(1));
        string caveats = File.ReadAllText(Path.Combine(dir, "caveats.txt"));
        Assert.Contains("separate posterior draws", caveats);
        Assert.DoesNotContain("draws from one fitted model", caveats);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "release.json"))))
        {
            Assert.False(manifest.RootElement.GetProperty("copies_from_one_model").GetBoolean());
            Assert.True(manifest.RootElement.GetProperty("epsilon_spent").GetDouble() <= 2 + 1e-9);
        }
        var model = Models.Generators.Dpvi.DpviModel.Load(Path.Combine(dir, "model.dpsynth"));
        Assert.Equal("visits", model.Layout.Outcome!.Name);
        Assert.Equal(["row count", "training"], model.Ledger!.Stages.Select(s => s.Name));

        // The same seed reproduces the release.
        string again = P("twins_dpvi_again");
        Assert.Equal(0, Release(_partyB, again, "--outcome", "visits", "--family", "poisson").Code);
        Assert.Equal(copies[2], File.ReadAllLines(Path.Combine(again, "twin_3.csv")));

        var a = CliRunner.Run("twins", "analyse", "--local", _partyA, "--twins", dir, "--formula", "visits ~ age_group + sex + smoker",
            "--family", "poisson", "--schema", _schema);
        Assert.True(a.Code == 0, a.Err);
        Assert.Contains("M = 3 combined datasets", a.Out);
        Assert.Contains("separate posterior draws", a.Out);

        // Without --outcome the schema's label (event, boolean) is the logistic outcome.
        string byLabel = P("twins_dpvi_label");
        var l = Release(_partyB, byLabel);
        Assert.True(l.Code == 0, l.Err);
        Assert.Contains("logistic outcome event", File.ReadAllText(Path.Combine(byLabel, "caveats.txt")));
    }
}
