using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DpSynth.Kernels;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth demo`: the README's main job, end to end on a built-in table. It checks the chosen
/// backend's kernels against the scalar reference, simulates the "clinic" table, fits TableDiffusion
/// at ε = 1, samples a synthetic twin and prints what it is worth and what it cost.
/// </summary>
internal static class DemoCommand
{
    private const string Description = """
        Run DpSynth end to end on a built-in simulated "clinic" table (16 centres of different sizes
        and case mix): check the compute kernels, fit a differentially private generator (TableDiffusion
        unless --model names another; epsilon 1, delta 1e-5), sample a synthetic twin of the same size, and evaluate it against a
        fresh holdout from the same simulator (fidelity, utility for the label "event", distance to
        closest record). With --output-dir the real, holdout and synthetic tables, the schema and
        the model file are kept there.

        Examples:
          dpsynth demo
          dpsynth demo --device cpu --output-dir demo-out
          dpsynth demo --model dpvi
        """;

    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.",
            DefaultValueFactory = _ => "auto",
        };
        var rows = NumberOptions.Long("--rows", "Rows of the simulated private table (default 20000).");
        var epsilon = NumberOptions.Double("--epsilon", "Privacy budget (default 1).");
        var generatorOptions = new GeneratorOptions("--model", GeneratorRegistry.All[0].Kind, "Generator")
            .Number("--epochs", "epochs", "Override the generator's epochs.");
        var seed = NumberOptions.Long("--seed", "Seed for reproducible runs (noise then is not secret).");
        var outputDir = new Option<string?>("--output-dir") { Description = "Keep the tables, schema and model in this folder." };
        var command = new Command("demo", Description) { device, rows, epsilon };
        generatorOptions.AddTo(command);
        command.Options.Add(seed);
        command.Options.Add(outputDir);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var clock = Stopwatch.StartNew();
            string name = parse.GetValue(device)!;
            using var backend = BackendFactory.Create(name);
            output.WriteLine($"backend: {backend.Name} (device '{name}'{(name == "auto" ? $" resolved to '{BackendFactory.ResolveAuto()}'" : "")}); cpu: {Environment.ProcessorCount} cores, {CpuFeatures()}");
            if (!SelfCheck(backend, output)) return 1;

            long rowCount = parse.GetValue(rows) ?? 20_000;
            if (rowCount is < 500 or > 10_000_000) throw new CliInputException($"--rows must be between 500 and 10000000, got {rowCount}");
            ulong? userSeed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null;
            ulong simulatorSeed = userSeed ?? 20261123;
            var simulator = new ClinicSimulator(new ClinicSimulatorOptions((int)rowCount, 16, simulatorSeed));
            var real = simulator.Generate();
            var holdout = new ClinicSimulator(new ClinicSimulatorOptions(Math.Max(2_000, (int)rowCount / 4), 16, simulatorSeed + 1)).Generate();
            output.WriteLine($"simulated clinic table: {real.RowCount} rows, {real.Columns.Count} columns, 16 centres (holdout {holdout.RowCount} rows)");

            var (generator, settings) = generatorOptions.Read(parse);
            var request = new FitRequest
            {
                Epsilon = parse.GetValue(epsilon) ?? 1.0,
                Delta = 1e-5,
                Settings = settings,
                Seed = userSeed,
                SchemaFile = "clinic simulator schema (public bounds and categories)",
            };
            generator.Validate(request);
            var model = generator.Fit(real, simulator.Schema, request, backend, new FitCommand.LineProgress(error));
            var t = model.Summary;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fitted {model.Description}: epsilon {t.Epsilon:0.###} at delta {request.Delta:R}, sigma {t.NoiseMultiplier:0.###}, {t.Steps} steps, noise key {(userSeed is null ? "from the OS CSPRNG" : "from a user seed (not secret)")}"));

            string folder = parse.GetValue(outputDir) ?? Directory.CreateTempSubdirectory("dpsynth-demo-").FullName;
            Directory.CreateDirectory(folder);
            try
            {
                string syntheticPath = Path.Combine(folder, "clinic_synthetic.csv");
                long written = CsvBatchWriter.Write(syntheticPath, model.Sample(new SampleRequest(real.RowCount, userSeed), backend));
                var synthetic = TableReader.Read(syntheticPath, simulator.Schema);
                output.WriteLine($"sampled {written} synthetic rows");
                var report = SyntheticDataEvaluator.Evaluate(real, synthetic, holdout, "event", new EvaluationOptions { Backend = backend });
                EvaluateCommand.WriteSummary(output, report);
                if (parse.GetValue(outputDir) is not null)
                {
                    CsvTableWriter.Write(real, Path.Combine(folder, "clinic_real.csv"));
                    CsvTableWriter.Write(holdout, Path.Combine(folder, "clinic_holdout.csv"));
                    AtomicFile.WriteText(Path.Combine(folder, "clinic.schema.json"), TableSchemaJson.ToJson(simulator.Schema) + Environment.NewLine);
                    model.Save(Path.Combine(folder, "clinic.dpsynth"));
                    output.WriteLine($"kept the tables, schema and model in {folder}");
                }
            }
            finally
            {
                if (parse.GetValue(outputDir) is null) Directory.Delete(folder, recursive: true);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo finished in {clock.Elapsed.TotalSeconds:0.0} s"));
            return 0;
        });
        return command;
    }

    private static bool SelfCheck(IComputeBackend backend, TextWriter output)
    {
        var results = KernelSelfCheck.Run(backend);
        foreach (var r in results.Where(r => !r.Passed))
            output.WriteLine($"  FAIL {r.Op}: max |Δ| = {r.MaxError:G3} (tolerance {r.Tolerance:G3})");
        bool ok = results.All(r => r.Passed);
        output.WriteLine(ok ? $"kernel self-check: {results.Count} checks against the scalar reference passed" : "kernel self-check FAILED: not fitting on a backend that computes wrong answers");
        return ok;
    }

    private static string CpuFeatures()
    {
        var features = new List<string>();
        if (Avx512F.IsSupported) features.Add("AVX-512");
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        string width = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : "scalar";
        return $"{string.Join(", ", features)}; SIMD kernels use {width} vectors";
    }
}
