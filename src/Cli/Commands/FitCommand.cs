using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth fit`: fits a DP generator of any registered kind on a private table and saves a model
/// file holding everything `sample` needs. Progress lines go to stderr; the summary to stdout.
/// </summary>
internal static class FitCommand
{
    private const string Description = """
        Fit a differentially private generator on a table and save it as a model file.

        The whole fit is (epsilon, delta)-DP and every use of the data is a stage of the ledger in
        the model file: statistics the schema does not declare public (numeric bounds, quantile
        grids, category sets) are estimated with DP from a share of epsilon (generators that cannot
        estimate them, like dpvi, refuse the schema naming the column), and the model is trained
        with DP-SGD on the rest, its noise calibrated for exactly the steps run.
        Without --schema, column kinds are inferred and every value is treated as private.
        The row count is private too: a DP count (a ledger stage, 1/50 of epsilon) sets the sampling
        rate, the steps and `sample`'s default --rows, unless the schema declares "rows": {{"public": N}}.
        Delta is your choice (default 1e-5); it is never derived from the row count.

        Generators (--model; `dpsynth models` also lists their settings, given with --set key=value):
        {0}

        Examples:
          dpsynth fit adult.csv --schema adult.schema.json --epsilon 1 --delta 1e-5 -o adult.dpsynth
          dpsynth fit adult.csv --epsilon 1 --seed 7 -o adult.dpsynth
          dpsynth fit adult.csv --epsilon 1 --preset paper -o adult-paper.dpsynth
          dpsynth fit clinic.csv --schema clinic.schema.json --epsilon 1 --model dpvi --outcome visits -o clinic-dpvi.dpsynth
        """;

    public static Command Create()
    {
        var data = new Argument<string>("DATA") { Description = "The private table (.csv, .tsv or .parquet)." };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file (JSON); without it kinds are inferred and everything is private." };
        var epsilon = NumberOptions.Double("--epsilon", "Total privacy budget epsilon (> 0).");
        epsilon.Required = true;
        var delta = NumberOptions.Double("--delta", "Delta of the guarantee, in (0, 1); default 1e-5.");
        var generatorOptions = new GeneratorOptions("--model", GeneratorRegistry.All[0].Kind, "Generator")
            .Text("--preset", "preset", "tablediffusion: hyper-parameter preset, default (x0-prediction with cross-entropy on categories, step input, re-noising reverse process) or paper (Truda 2023).")
            .Number("--epochs", "epochs", "Override the generator's epochs (noise is calibrated for the steps this gives).")
            .Text("--outcome", "outcome", "dpvi: the outcome column (default: the schema's label column).")
            .Text("--family", "family", "dpvi: the outcome's family, poisson or logistic (default: from the column kind).");
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var seed = NumberOptions.Long("--seed", "Seed for reproducible runs (recorded; seeded noise is not secret).");
        var output = OutputGuard.File(new Option<string>("--output", "-o") { Description = "Model file to write.", Required = true });

        var command = new Command("fit", string.Format(CultureInfo.InvariantCulture, Description, ModelsCommand.HelpList())) { data, schemaPath, epsilon, delta };
        generatorOptions.AddTo(command);
        command.Options.Add(device);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var config = parse.InvocationConfiguration;
            var (generator, settings) = generatorOptions.Read(parse);
            var request = new FitRequest
            {
                Epsilon = parse.GetValue(epsilon)!.Value,
                Delta = parse.GetValue(delta) ?? 1e-5,
                Settings = settings,
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
                SchemaFile = parse.GetValue(schemaPath) ?? "inferred schema",
            };
            // Refuse a bad budget or setting, and a schema the generator cannot use, before any private data is read.
            generator.Validate(request);
            string path = parse.GetValue(data)!;
            if (!File.Exists(path)) throw new CliInputException($"{path}: file not found");
            if (parse.GetValue(schemaPath) is string declared) generator.Validate(LoadSchema(declared), request);
            var (table, schema) = TableInput.Read(path, parse.GetValue(schemaPath));
            using var backend = generator.UsesBackend ? BackendFactory.Create(parse.GetValue(device)!) : null;
            var progress = new LineProgress(config.Error);
            var fitted = generator.Fit(table, schema, request, backend, progress, Interrupt.Token);
            string outPath = parse.GetValue(output)!;
            try { fitted.Save(outPath); }
            catch (IOException ex) { throw new CliInputException($"{outPath}: cannot write the model file ({ex.Message})"); }
            var t = fitted.Summary;
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fitted {fitted.Description} on {RowsText(t)}: epsilon {t.Epsilon:0.####} at delta {request.Delta:R} (preprocessing {t.PreprocessingEpsilon:0.####}, training {t.TrainingEpsilon:0.####}); sigma {t.NoiseMultiplier:0.###}, {t.Steps} steps; {backend?.Name ?? "cpu (host)"}; {clock.Elapsed.TotalSeconds:0.0} s"));
            config.Output.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The row count as the fit released it — a DP count or the declared public one, never the exact N.</summary>
    internal static string RowsText(FitSummary summary) => summary.RowCount is long rows
        ? (summary.RowCountPublic ? $"{rows} rows (declared public)" : $"about {rows} rows (DP count)")
        : "a table of private size";

    private static TableSchema LoadSchema(string path)
    {
        try { return TableSchemaJson.Load(path); }
        catch (TableFormatException e) { throw new CliInputException(e.Message, e); }
        catch (IOException e) { throw new CliInputException(e.Message, e); }
    }

    /// <summary>
    /// Training progress as plain lines on stderr, reported synchronously from the training loop.
    /// Preprocessing stages are shown once the fit has run for <paramref name="quietFor"/>: a wide
    /// table shows that it is moving, while a quick refusal of bad input stays a single line.
    /// </summary>
    internal sealed class LineProgress(TextWriter error, TimeSpan? quietFor = null) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly TimeSpan _quietFor = quietFor ?? TimeSpan.FromSeconds(1);
        private int _lastDecile = -1;

        public void Report(TrainingProgress p)
        {
            if (p.Stage is not null)
            {
                if (_clock.Elapsed < _quietFor) return;
                string count = p.TotalSteps > 0 ? $" {p.Step}/{p.TotalSteps}" : "";
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: {p.Stage}{count}  epsilon {p.Epsilon:0.###}"));
                return;
            }
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
