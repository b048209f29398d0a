using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace DpSynth.Cli.Tests;

/// <summary>One tiny `dpsynth twins study` run (4 centres, TableDiffusion for 1 epoch), shared by the tests.</summary>
public sealed class TwinsStudyFixture : IDisposable
{
    /// <summary>Runs the tiny study into <see cref="Output"/>.</summary>
    public TwinsStudyFixture()
    {
        Output = Path.Combine(Dir, "study");
        Result = CliRunner.Run("twins", "study", "--generator", "tablediffusion", "--centres", "4", "--rows", "2000", "--copies", "2", "--orders", "2", "--max-k", "3",
            "--epochs", "1", "--seed", "3", "--device", "cpu", "--output", Output);
    }

    /// <summary>Scratch directory.</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("dpsynth-twins-study-").FullName;

    /// <summary>The study's output directory.</summary>
    public string Output { get; }

    /// <summary>What the run returned.</summary>
    public (int Code, string Out, string Err) Result { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>`dpsynth twins study` end to end on a tiny clinic, and its refusals.</summary>
public sealed class TwinsStudyCommandTests(TwinsStudyFixture f) : IClassFixture<TwinsStudyFixture>
{
    [Fact]
    public void Tiny_study_prints_the_summary_table_and_progress()
    {
        var (code, output, error) = f.Result;
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("k ", StringComparison.Ordinal));
        Assert.True(header > 0, output);
        // One row per k = 0..3, each starting with its k and holding the 10 figures.
        for (int k = 0; k <= 3; k++)
        {
            var cells = lines[header + 1 + k].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(k.ToString(), cells[0]);
            Assert.Equal(11, cells.Length);
            Assert.EndsWith(k == 0 ? "/4" : "/8", cells[^1]);
        }
        Assert.Contains("failures: ", output);
        Assert.Contains("caveat: Generator tablediffusion", output);
        Assert.Contains($"wrote {Path.Combine(f.Output, "study.json")}", output);
        Assert.Contains("release [4/4] C04: twin of", error);
        Assert.Contains("analyse [4/4]", error);
    }

    [Fact]
    public void Study_json_holds_settings_seeds_epsilon_and_every_join()
    {
        Assert.Equal(0, f.Result.Code);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(f.Output, "study.json")))!.AsObject();
        var settings = json["settings"]!;
        Assert.Equal(4, (int)settings["centres"]!);
        Assert.Equal(2000, (int)settings["rows"]!);
        Assert.Equal(2, (int)settings["copies"]!);
        Assert.Equal(2, (int)settings["orders"]!);
        Assert.Equal(3, (int)settings["max_k"]!);
        Assert.Equal(1.0, (double)settings["epsilon"]!);
        Assert.Equal(1e-6, (double)settings["delta"]!);
        Assert.Equal("poisson", (string)settings["family"]!);
        Assert.Equal("tablediffusion", (string)settings["generator"]!);
        Assert.True((bool)settings["copies_from_one_model"]!);
        Assert.Equal("3", (string)json["seeds"]!["study"]!);
        Assert.Equal(4, json["summary"]!.AsArray().Count);
        var centres = json["centres"]!.AsArray();
        Assert.Equal(4, centres.Count);
        foreach (var c in centres)
        {
            double spent = (double)c!["epsilon_spent"]!;
            Assert.InRange(spent, 0.5, 1.0);
            Assert.Equal(2 * 3, c["joins"]!.AsArray().Count);
            Assert.NotNull(c["generator_seed"]);
        }
        int failedJoins = centres.Sum(c => c!["joins"]!.AsArray().Count(j => j!["log_likelihood"] is null));
        Assert.Equal(failedJoins, (int)json["failures"]!["joins"]!);
        Assert.Equal(24, (int)json["failures"]!["joins_total"]!);
        Assert.True((double)json["timing_seconds"]!["total"]! > 0);
    }

    [Fact]
    public void Study_svg_is_a_plot_of_log_likelihood_against_parties()
    {
        Assert.Equal(0, f.Result.Code);
        var svg = XDocument.Load(Path.Combine(f.Output, "study.svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.NotEmpty(svg.Descendants(ns + "polyline"));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("all centres", texts);
        Assert.Contains(texts, t => t.Contains("k (0 = local data only)", StringComparison.Ordinal));
        // No temporary files are left behind by the atomic writes.
        Assert.Equal(["study.json", "study.svg"], Directory.GetFileSystemEntries(f.Output).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("--device cpu", "--device applies to generators that use a compute backend only (dpvi runs on the host CPU)")]
    [InlineData("--generator ctgan", "--generator: 'ctgan' is not a generator; the generators are: tablediffusion, dpvi")]
    [InlineData("--family gamma", "'gamma' is not a family")]
    [InlineData("--copies 1", "--copies must be between 2")]
    [InlineData("--centres 1", "--centres must be between 2")]
    [InlineData("--centres 4 --max-k 4", "--max-k must be between 1 and 3")]
    [InlineData("--rows 100", "--rows must be between 800")]
    [InlineData("--orders 0", "--orders must be between 1")]
    [InlineData("--epsilon 0", "--epsilon must be positive")]
    [InlineData("--delta 1.5", "--delta must be in (0, 1)")]
    [InlineData("--rows many", "--rows: 'many' is not a valid integer")]
    [InlineData("--epochs -1", "dpvi setting epochs: expected a positive number, got '-1'")]
    [InlineData("--set components=0", "dpvi setting components: expected a whole number in 1..1024, got '0'")]
    [InlineData("--set colour=red", "dpvi takes no setting 'colour' (its settings: outcome, family, epochs, components)")]
    [InlineData("--generator tablediffusion --device quantum", "Unknown device 'quantum'")]
    public void Bad_options_give_one_line_errors(string options, string mentions)
    {
        var r = CliRunner.Run(["twins", "study", .. options.Split(' '), "--output", Path.Combine(f.Dir, "never")]);
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mentions, err);
        Assert.False(Directory.Exists(Path.Combine(f.Dir, "never")));
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_refused()
    {
        string file = Path.Combine(f.Dir, "a-file");
        File.WriteAllText(file, "x");
        var r = CliRunner.Run("twins", "study", "--output", file);
        Assert.Equal(2, r.Code);
        Assert.Contains("is a file, not a directory", r.Err);
    }

    [Fact]
    public void Help_shows_an_example()
    {
        var r = CliRunner.Run("twins", "study", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("dpsynth twins study --centres", r.Out);
        Assert.Contains("--generator", r.Out);
    }
}

/// <summary>`dpsynth twins study` with its default generator, DPVI, on a tiny clinic.</summary>
public sealed class TwinsStudyDpviCommandTests
{
    [Fact]
    public void Tiny_study_with_the_default_dpvi_generator_writes_the_table_and_records_posterior_draws()
    {
        var dir = Directory.CreateTempSubdirectory("dpsynth-twins-study-dpvi-").FullName;
        try
        {
            string output = Path.Combine(dir, "study");
            var (code, stdout, stderr) = CliRunner.Run("twins", "study", "--centres", "4", "--rows", "2000", "--copies", "2", "--orders", "2",
                "--max-k", "3", "--epochs", "4", "--family", "logistic", "--seed", "3", "--output", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("generator dpvi (epochs=4) on cpu (host)", stderr);
            Assert.Contains("release [4/4] C04: twin of", stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            int header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("k ", StringComparison.Ordinal));
            Assert.True(header > 0, stdout);
            for (int k = 0; k <= 3; k++)
                Assert.Equal(11, lines[header + 1 + k].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("twins: dpvi, M = 2 copies", stdout);
            Assert.Contains("caveat: Generator dpvi: each twin's 2 copies come from separate draws", stdout);
            Assert.DoesNotContain("too narrow", stdout);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "study.json")))!.AsObject();
            Assert.Equal("dpvi", (string)json["settings"]!["generator"]!);
            Assert.False((bool)json["settings"]!["copies_from_one_model"]!);
            Assert.Equal("logistic", (string)json["settings"]!["family"]!);
            Assert.All(json["centres"]!.AsArray(), c => Assert.InRange((double)c!["epsilon_spent"]!, 0.5, 1.0));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
