using System.Runtime.CompilerServices;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests;

/// <summary>
/// The README's library quick start (fit, sample, ledger) compiles against the real API and runs:
/// its code lines appear verbatim in <see cref="QuickStart"/>, which runs on a small simulated table.
/// </summary>
public sealed class LibraryQuickStartTests
{
    [Fact]
    public void TheReadmeSnippetIsThisCodeAndRuns()
    {
        string dir = Directory.CreateTempSubdirectory("dpsynth-quickstart-").FullName;
        try
        {
            string privateCsv = Path.Combine(dir, "clinic.csv"), syntheticCsv = Path.Combine(dir, "synthetic.csv");
            TableWriter.Write(new ClinicSimulator(new ClinicSimulatorOptions(Rows: 1500, Centres: 3, Seed: 5)).Generate(), privateCsv);

            var ledger = QuickStart(privateCsv, syntheticCsv);

            Assert.Equal(1000, File.ReadLines(syntheticCsv).Count() - 1);
            Assert.InRange(ledger.TotalEpsilon, 0.5, 1);
            Assert.Contains(ledger.Stages, s => s.Name.StartsWith("schema of column", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, recursive: true); }

        var snippet = ReadmeSnippet();
        Assert.True(snippet.Count >= 3, "the README has no ```csharp quick start block");
        string source = File.ReadAllText(ThisFile());
        // The line naming the files is the README's own; every other line is the code run above.
        Assert.All(snippet.Where(l => !l.StartsWith("string privateCsv", StringComparison.Ordinal)),
            line => Assert.True(source.Contains(line, StringComparison.Ordinal), $"README line not in the tested code: {line}"));
    }

    private static Privacy.Ledger.PrivacyLedger QuickStart(string privateCsv, string syntheticCsv)
    {
        using var backend = BackendFactory.Create("auto"); // SIMD on the CPU, CUDA where a GPU is present
        var model = GeneratorRegistry.Get("tablediffusion").Fit(TableReader.Read(privateCsv, null), null, new FitRequest { Epsilon = 1, Delta = 1e-5 }, backend);
        TableWriter.Write(syntheticCsv, model.Sample(new SampleRequest(Rows: 1000), backend));
        Console.WriteLine(model.Ledger!.ToJson()); // every use of the private data, and the composed epsilon
        return model.Ledger;
    }

    /// <summary>The code lines (not usings, blank lines or comments) of the README's first C# block.</summary>
    private static List<string> ReadmeSnippet()
    {
        string readme = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "..", "README.md"));
        var lines = File.ReadAllLines(readme).SkipWhile(l => l.Trim() != "```csharp").Skip(1).TakeWhile(l => l.Trim() != "```");
        return lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using DpSynth", StringComparison.Ordinal) && !l.StartsWith("//", StringComparison.Ordinal)).ToList();
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
