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

        The whole fit is (epsilon, delta)-DP for adding or removing one row, and every use of the
        data is a stage of the privacy ledger stored in the model file; the model is trained with
        DP-SGD, its noise calibrated for exactly the steps run. Delta is your choice (default
        1e-5), never derived from the row count.

        With --schema, what it declares is public and used as is (kinds, roles, missing flags,
        bounds and category lists marked public, precision, boolean labels); every statistic it
        leaves private (numeric ranges and bounds, quantile grids, category sets, decimals of
        continuous columns, spellings of booleans) is estimated with DP from a share of epsilon
        (a fifth, for tablediffusion; generators that cannot estimate them, like dpvi, refuse the
        schema naming the column).

        Without --schema (tablediffusion; dpvi needs a schema), the column names (the header), the
        file format and a Parquet file's column types are taken as public; everything else is
        decided with DP: each column's kind (integer, continuous, boolean or categorical) and
        decimals from a noisy histogram of its cells' shapes (a tenth of the preprocessing share),
        its missing flag from a noisy count, its range from noisy histograms over sign x
        power-of-two buckets (any scale) and DP quantiles inside it, its categories or boolean
        spellings from a thresholded noisy histogram. No column is dropped: cells that do not fit
        the decided kind are treated, not refused (text in a numeric or boolean column becomes
        missing, fractions in an integer column are rounded, missing cells in a column whose noisy
        count shows too few are imputed), and rare or identifier-like values are merged into
        "(other)". The label is a column named label, target, class, y or outcome, else the last
        column when it is categorical or boolean. Small tables get coarse decisions (text-like
        kinds when unsure); declare a schema where you know better.
        The row count is private too: a DP count (a ledger stage, 1/50 of epsilon) sets the sampling
        rate, the steps and `sample`'s default --rows, unless the schema declares "rows": {{"public": N}}.
        `dpsynth schema infer` is different: it reads the data without DP (a custodian's step).

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
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file (JSON); without it the schema is inferred with DP (the header is public)." };
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
            else if (!generator.InfersSchemaWithDp)
                throw new CliInputException($"the {generator.Kind} generator needs --schema (it cannot infer one with DP; tablediffusion can)");
            var (table, schema) = TableInput.ReadPrivate(path, parse.GetValue(schemaPath));
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
    internal sealed class LineProgress(TextWriter error, TimeSpan? quietFor = null, TimeSpan? lineInterval = null) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        // Ten seconds, not one: on a loaded two-core machine a refusal (e.g. a budget too small to
        // calibrate, found after preprocessing) can take several seconds to arrive.
        private readonly TimeSpan _quietFor = quietFor ?? TimeSpan.FromSeconds(10);
        private int _lastDecile = -1;
        private readonly Stopwatch _sinceLine = new();
        private readonly TimeSpan _lineInterval = lineInterval ?? TimeSpan.FromSeconds(2);

        public void Report(TrainingProgress p)
        {
            if (p.Stage is not null)
            {
                if (_clock.Elapsed < _quietFor) return;
                string count = p.TotalSteps > 0 ? $" {p.Step}/{p.TotalSteps}" : "";
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: {p.Stage}{count}  epsilon {p.Epsilon:0.###}"));
                return;
            }
            // A line per tenth of the run, at most one every two seconds (the first two seconds into training), and
            // the last step: each line prices ε with the PLD accountant (tens of milliseconds), so a
            // short fit prints and pays for few.
            if (!_sinceLine.IsRunning) _sinceLine.Start();
            int decile = (int)(10 * p.Step / Math.Max(1, p.TotalSteps));
            bool last = p.Step == p.TotalSteps;
            if (!last && (decile == _lastDecile || _sinceLine.Elapsed < _lineInterval)) return;
            _lastDecile = decile;
            _sinceLine.Restart();
            // The trainer withholds batch size (−1) and loss (NaN) when it does not release them.
            string batch = p.BatchSize >= 0 ? $"  batch {p.BatchSize}" : "";
            string loss = double.IsNaN(p.Loss) ? "" : string.Create(CultureInfo.InvariantCulture, $"  loss {p.Loss:0.0000}");
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: step {p.Step}/{p.TotalSteps}{batch}{loss}  epsilon {p.Epsilon:0.###}"));
        }
    }
}
