using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth fit`: fits a DP generator (TableDiffusion) on a private table and saves a model file
/// holding everything `sample` needs. Progress lines go to stderr; the summary to stdout.
/// </summary>
internal static class FitCommand
{
    private const string Description = """
        Fit a differentially private generator on a table and save it as a model file.

        The whole fit is (epsilon, delta)-DP: statistics the schema does not declare public (numeric
        bounds, quantile grids, category sets) are estimated with DP from a share of epsilon, and the
        denoiser is trained with DP-SGD on the rest, its noise calibrated for exactly the steps run.
        Without --schema, column kinds are inferred and every value is treated as private.
        Delta is your choice (default 1e-5); it is never derived from the row count.

        Examples:
          dpsynth fit adult.csv --schema adult.schema.json --epsilon 1 --delta 1e-5 -o adult.dpsynth
          dpsynth fit adult.csv --epsilon 1 --seed 7 -o adult.dpsynth
          dpsynth fit adult.csv --epsilon 1 --preset paper -o adult-paper.dpsynth
        """;

    public static Command Create()
    {
        var data = new Argument<string>("DATA") { Description = "The private table (.csv, .tsv or .parquet)." };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file (JSON); without it kinds are inferred and everything is private." };
        var epsilon = NumberOptions.Double("--epsilon", "Total privacy budget epsilon (> 0).");
        epsilon.Required = true;
        var delta = NumberOptions.Double("--delta", "Delta of the guarantee, in (0, 1); default 1e-5.");
        var model = new Option<string>("--model") { Description = "Generator: tablediffusion or dpwgan (the GAN baseline; --preset does not apply).", DefaultValueFactory = _ => TableDiffusionModel.Kind };
        model.AcceptOnlyFromAmong(TableDiffusionModel.Kind, DpWganModel.Kind);
        var preset = new Option<string>("--preset")
        {
            Description = "Hyper-parameter preset: default (x0-prediction with cross-entropy on categories, step input, re-noising reverse process) or paper (Truda 2023).",
            DefaultValueFactory = _ => "default",
        };
        // Checked in the action (TableDiffusionOptions.FromPreset): AcceptOnlyFromAmong's error spans several lines.
        var epochs = NumberOptions.Double("--epochs", "Override the preset's epochs (noise is calibrated for the steps this gives).");
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var seed = NumberOptions.Long("--seed", "Seed for reproducible runs (recorded; seeded noise is not secret).");
        var output = new Option<string>("--output", "-o") { Description = "Model file to write.", Required = true };

        var command = new Command("fit", Description) { data, schemaPath, epsilon, delta, model, preset, epochs, device, seed, output };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var config = parse.InvocationConfiguration;
            if (parse.GetValue(model) == DpWganModel.Kind) return FitWgan(parse, clock, data, schemaPath, epsilon, delta, epochs, device, seed, output);
            var options = TableDiffusionOptions.FromPreset(parse.GetValue(preset)!);
            if (parse.GetValue(epochs) is double e) options = options with { Epochs = e };
            var request = new TableDiffusionFitRequest
            {
                Epsilon = parse.GetValue(epsilon)!.Value,
                Delta = parse.GetValue(delta) ?? 1e-5,
                Options = options,
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
                SchemaFile = parse.GetValue(schemaPath) ?? "inferred schema",
            };
            request.Validate(); // refuse a bad budget before any private data is read
            string path = parse.GetValue(data)!;
            if (!File.Exists(path)) throw new CliInputException($"{path}: file not found");
            var (table, schema) = TableInput.Read(path, parse.GetValue(schemaPath));
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            var progress = new LineProgress(config.Error);
            var fitted = TableDiffusionFitter.Fit(table, schema, request, backend, progress);
            string outPath = parse.GetValue(output)!;
            try { fitted.Save(outPath); }
            catch (IOException ex) { throw new CliInputException($"{outPath}: cannot write the model file ({ex.Message})"); }
            var t = fitted.Training;
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fitted {TableDiffusionModel.Kind} ({options.Preset}) on {table.RowCount} rows: epsilon {(double)t["total_epsilon"]!:0.####} at delta {request.Delta:R} (preprocessing {(double)t["preprocessing_epsilon"]!:0.####}, training {(double)t["training_epsilon"]!:0.####}); sigma {(double)t["noise_multiplier"]!:0.###}, {(long)t["steps"]!} steps; {backend.Name}; {clock.Elapsed.TotalSeconds:0.0} s"));
            config.Output.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    // Until the generator registry lands (issue #12 item 1), DP-WGAN is wired here by hand.
    private static int FitWgan(ParseResult parse, Stopwatch clock, Argument<string> data, Option<string?> schemaPath, Option<double?> epsilon,
        Option<double?> delta, Option<double?> epochs, Option<string> device, Option<long?> seed, Option<string> output)
    {
        var config = parse.InvocationConfiguration;
        var options = DpWganOptions.Default;
        if (parse.GetValue(epochs) is double e) options = options with { Epochs = e };
        var request = new DpWganFitRequest
        {
            Epsilon = parse.GetValue(epsilon)!.Value,
            Delta = parse.GetValue(delta) ?? 1e-5,
            Options = options,
            Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
            SchemaFile = parse.GetValue(schemaPath) ?? "inferred schema",
        };
        request.Validate(); // refuse a bad budget before any private data is read
        string path = parse.GetValue(data)!;
        if (!File.Exists(path)) throw new CliInputException($"{path}: file not found");
        var (table, schema) = TableInput.Read(path, parse.GetValue(schemaPath));
        using var backend = BackendFactory.Create(parse.GetValue(device)!);
        var fitted = DpWganFitter.Fit(table, schema, request, backend, new LineProgress(config.Error));
        string outPath = parse.GetValue(output)!;
        try { fitted.Save(outPath); }
        catch (IOException ex) { throw new CliInputException($"{outPath}: cannot write the model file ({ex.Message})"); }
        var t = fitted.Summary!;
        config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fitted {DpWganModel.Kind}: epsilon {t.TotalEpsilon:0.####} at delta {request.Delta:R} (preprocessing {t.PreprocessingEpsilon:0.####}, training {t.TrainingEpsilon:0.####}); sigma {t.NoiseMultiplier:0.###}, {t.CriticSteps} critic steps, {t.GeneratorSteps} generator steps; {backend.Name}; {clock.Elapsed.TotalSeconds:0.0} s"));
        config.Output.WriteLine($"wrote {outPath}");
        return 0;
    }

    /// <summary>Training progress as plain lines on stderr, reported synchronously from the training loop.</summary>
    internal sealed class LineProgress(TextWriter error) : IProgress<TrainingProgress>
    {
        private int _lastDecile = -1;

        public void Report(TrainingProgress p)
        {
            // About ten lines per run, whatever the step count.
            int decile = (int)(10 * p.Step / Math.Max(1, p.TotalSteps));
            if (decile == _lastDecile && p.Step != p.TotalSteps) return;
            _lastDecile = decile;
            // The trainer withholds batch size (−1) and loss (NaN) when it does not release them.
            string batch = p.BatchSize >= 0 ? $"  batch {p.BatchSize}" : "";
            string loss = double.IsNaN(p.Loss) ? "" : string.Create(CultureInfo.InvariantCulture, $"  loss {p.Loss:0.0000}");
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: step {p.Step}/{p.TotalSteps}{batch}{loss}  epsilon {p.Epsilon:0.###}"));
        }
    }
}
