using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>A small simulated clinic table, its public schema and one model fitted on it by `dpsynth fit`, shared by a test class.</summary>
public sealed class TinyModelFixture : IDisposable
{
    /// <summary>Writes the table and the schema and fits the model (1 epoch, seeded, CPU).</summary>
    public TinyModelFixture()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 400, Centres: 4, Seed: 21));
        Table = P("clinic.csv");
        CsvTableWriter.Write(sim.Generate(), Table);
        Schema = P("clinic.schema.json");
        File.WriteAllText(Schema, TableSchemaJson.ToJson(sim.Schema));
        Model = P("clinic.dpsynth");
        var fit = CliRunner.Run("fit", Table, "--schema", Schema, "--epsilon", "2", "--epochs", "1", "--preset", "paper", "--seed", "3", "--device", "cpu", "-o", Model);
        if (fit.Code != 0) throw new InvalidOperationException("the fixture's fit failed: " + fit.Err);
    }

    /// <summary>Scratch directory of the fixture.</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("dpsynth-tiny-cli-").FullName;

    /// <summary>The simulated table (CSV).</summary>
    public string Table { get; }

    /// <summary>Its public schema.</summary>
    public string Schema { get; }

    /// <summary>A TableDiffusion model fitted on <see cref="Table"/>.</summary>
    public string Model { get; }

    /// <summary>A path in the fixture's directory.</summary>
    public string P(string name) => Path.Combine(Dir, name);

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>Assertions shared by the CLI tests about how a command refuses.</summary>
internal static class Refusal
{
    /// <summary>Exit code 2, nothing on stdout, one line on stderr starting "dpsynth: ", no .NET internals; returns the line.</summary>
    public static string OneLine((int Code, string Out, string Err) r, string? mentions = null)
    {
        Assert.True(r.Code == 2, $"exit code {r.Code}: {r.Err}");
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.DoesNotContain("internal error", err);
        foreach (var internals in new[] { "System.", "DpSynth.", "Exception", "   at " })
            Assert.DoesNotContain(internals, err);
        if (mentions is not null) Assert.Contains(mentions, err);
        return err;
    }

    /// <summary>No hidden temporary file (an atomic write's) is left in <paramref name="dir"/>.</summary>
    public static void NoTemporaryFiles(string dir) =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir, "*.tmp", SearchOption.AllDirectories));
}
