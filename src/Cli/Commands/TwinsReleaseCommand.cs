using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth twins release`: a party fits a DP generator once on its table and releases M synthetic
/// copies of it (its "twin"), with the model file, the ledger and the caveats an analyst must read.
/// The whole directory appears at once: it is written under a temporary name and renamed at the end.
/// </summary>
internal static class TwinsReleaseCommand
{
    /// <summary>Name of copy <paramref name="m"/> (1-based) inside a release directory.</summary>
    public static string TwinFile(int m) => $"twin_{m}.csv";

    /// <summary>File names inside a release directory.</summary>
    public const string ModelFile = "model.dpsynth", LedgerFile = "ledger.json", CaveatsFile = "caveats.txt", ManifestFile = "release.json";

    private const string Description = """
        Release a party's differentially private synthetic twin: fit a generator once on the party's
        table (the whole fit is (epsilon, delta)-DP and recorded in the ledger), then draw --copies
        synthetic datasets from it. DIR receives model.dpsynth, ledger.json, twin_1.csv ..
        twin_M.csv, release.json and caveats.txt. Sampling is post-processing and costs no budget.

        Each copy has the fit's DP row count (a ledger stage, or the schema's declared public count)
        unless --rows declares a public one; the party's exact row count is never released.

        Generators (--generator; `dpsynth models` lists them all with their settings, given with --set):
          dpvi (default)  the twin generator of Prediger et al. (2023): a mixture of independent
                          categorical covariates (Gaussian for numeric ones) with a Poisson or
                          logistic regression of --outcome on the covariates, fitted by DP
                          variational inference. Each copy comes from its OWN posterior draw, so
                          between-copy variation carries parameter uncertainty. Needs public
                          category lists and public bounds in the schema (--schema).
          tablediffusion  a DP diffusion model; its copies are draws from ONE fitted model, so
                          between-copy variation carries no parameter uncertainty and pooled
                          (Rubin) intervals will be too narrow.
          any other kind of the registry is used like tablediffusion when its copies share one model.

        Example:
          dpsynth twins release centre_a.csv --schema clinic.schema.json --epsilon 1 --delta 1e-6 --copies 10 -o twins_a
        """;

    public static Command Create()
    {
        var data = new Argument<string>("PARTY") { Description = "The party's private table (.csv, .tsv or .parquet)." };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file (JSON); without it (tablediffusion only) the schema is inferred with DP and everything is private." };
        var epsilon = NumberOptions.Double("--epsilon", "Total privacy budget epsilon (> 0).");
        epsilon.Required = true;
        var delta = NumberOptions.Double("--delta", "Delta of the guarantee, in (0, 1); default 1e-5.");
        var copies = NumberOptions.Long("--copies", "Number of synthetic datasets M to release (>= 2, as pooling needs).");
        copies.Required = true;
        var rows = NumberOptions.Long("--rows", "Declared (public) rows per copy; default: the fit's DP row count (or the schema's declared public count).");
        var generatorOptions = new GeneratorOptions("--generator", DpviModel.KindName, "Twin generator")
            .Number("--epochs", "epochs", "Override the generator's epochs (noise is calibrated for the steps this gives).")
            .Text("--outcome", "outcome", "dpvi: the outcome column (default: the schema's label column).")
            .Text("--family", "family", "dpvi: the outcome's family, poisson or logistic (default: from the column kind).");
        var device = new Option<string>("--device") { Description = $"Compute device for generators that use one: {string.Join(", ", BackendFactory.DeviceNames)} (dpvi runs on the host CPU).", DefaultValueFactory = _ => "auto" };
        var seed = NumberOptions.Long("--seed", "Seed for reproducible runs (recorded; seeded noise is not secret).");
        var output = OutputGuard.Directory(new Option<string>("--output", "-o") { Description = "Directory to write the release into.", Required = true });
        var force = new Option<bool>("--force") { Description = "Replace DIR even when it exists and is not empty." };

        var command = new Command("release", Description) { data, schemaPath, epsilon, delta, copies, rows };
        generatorOptions.AddTo(command);
        foreach (var option in new Option[] { device, seed, output, force }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var config = parse.InvocationConfiguration;
            var (generator, settings) = generatorOptions.Read(parse);
            long m = parse.GetValue(copies)!.Value;
            if (m < 2 || m > 10_000) throw new CliInputException($"--copies must be between 2 and 10000 (pooling needs at least 2), got {m}");
            long? declaredRows = parse.GetValue(rows);
            if (declaredRows is < 1) throw new CliInputException($"--rows must be at least 1, got {declaredRows}");
            if (declaredRows is > int.MaxValue) throw new CliInputException($"--rows must be at most {int.MaxValue}, got {declaredRows}");
            ulong? seedValue = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null;
            double eps = parse.GetValue(epsilon)!.Value, del = parse.GetValue(delta) ?? 1e-5;
            string schemaName = parse.GetValue(schemaPath) ?? "inferred schema";

            var request = new FitRequest { Epsilon = eps, Delta = del, Settings = settings, Seed = seedValue, SchemaFile = schemaName };
            // Refuse a bad budget or setting before any private data is read.
            try { generator.Validate(request); }
            catch (ArgumentException e) { throw new CliInputException(e.Message); }
            string dir = parse.GetValue(output)!;
            string path = parse.GetValue(data)!;
            if (!File.Exists(path)) throw new CliInputException($"{path}: file not found");
            if (parse.GetValue(schemaPath) is null && !generator.InfersSchemaWithDp)
                throw new CliInputException($"the {generator.Kind} generator needs --schema with public category lists and bounds (or choose --generator tablediffusion, which infers a schema with DP)");
            // Without a schema the table is read untyped and the generator infers the schema with DP on its own ledger.
            var (table, schema) = TableInput.ReadPrivate(path, parse.GetValue(schemaPath));

            // Refuse a schema the generator cannot use (e.g. dpvi without public category sets) before any training.
            try { if (schema is not null) generator.Validate(schema, request); }
            catch (ArgumentException e) { throw new CliInputException($"{e.Message} (or choose another --generator: `dpsynth models` says which estimate them with DP)"); }
            using var backend = generator.UsesBackend ? BackendFactory.Create(parse.GetValue(device)!) : null;
            var fitted = generator.Fit(table, schema, request, backend, cancellation: Interrupt.Token);
            long n = declaredRows ?? fitted.Summary.RowCount ?? throw new InvalidOperationException("The fit recorded no row count.");
            var release = new ReleaseFacts(fitted.Description, (int)m, n, declaredRows is not null || fitted.Summary.RowCountPublic, eps, del,
                fitted.Summary.Epsilon, seedValue, fitted.CopiesFromOneModel);
            string deviceName = backend?.Name ?? "cpu (host)";
            AtomicDirectory.Write(dir, temp =>
            {
                fitted.Save(Path.Combine(temp, ModelFile));
                AtomicFile.WriteText(Path.Combine(temp, LedgerFile), fitted.Ledger?.ToJson() ?? "null");
                // Copy m: its own posterior draw, or shard m of one sampling stream (SampleRequest.ForCopy).
                for (int i = 0; i < m; i++)
                    CsvBatchWriter.Write(Path.Combine(temp, TwinFile(i + 1)), fitted.Sample(SampleRequest.ForCopy(fitted, n, i, (int)m, seedValue), backend));
                WriteFacts(temp, release);
            });
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"released {m} synthetic copies of {n} rows from {release.Generator} fitted on {FitCommand.RowsText(fitted.Summary)}: epsilon {release.SpentEpsilon:0.####} at delta {del:R}; {deviceName}; {clock.Elapsed.TotalSeconds:0.0} s"));
            config.Output.WriteLine($"wrote {dir}");
            foreach (var line in release.Caveats()) config.Output.WriteLine($"caveat: {line}");
            return 0;
        });
        return command;
    }

    private static void WriteFacts(string temp, ReleaseFacts release)
    {
        AtomicFile.WriteText(Path.Combine(temp, CaveatsFile), string.Join('\n', release.Caveats()) + "\n");
        AtomicFile.WriteText(Path.Combine(temp, ManifestFile), release.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    /// <summary>What a release states about itself: written to release.json and, as sentences, to caveats.txt.</summary>
    private sealed record ReleaseFacts(string Generator, int Copies, long Rows, bool RowsDeclared, double Epsilon, double Delta,
        double SpentEpsilon, ulong? Seed, bool CopiesFromOneModel)
    {
        public IEnumerable<string> Caveats()
        {
            yield return CopiesFromOneModel
                ? $"Generator: {Generator}. The {Copies} datasets are draws from one fitted model: between-copy variation does not carry the generator's parameter uncertainty, so intervals pooled by Rubin's rules will be too narrow."
                : $"Generator: {Generator}. Each of the {Copies} datasets comes from its own draw of the model's parameters from the DP variational posterior (separate posterior draws), so between-copy variation carries the generator's parameter uncertainty, as Rubin's rules for fully synthetic data assume.";
            yield return RowsDeclared
                ? $"Each copy has the declared (public) row count {Rows}."
                : $"Each copy has the fit's DP row count ({Rows}), a stage of the ledger; the exact row count is not released.";
            yield return string.Create(CultureInfo.InvariantCulture, $"Privacy: ({SpentEpsilon:0.####}, {Delta:R})-DP under add/remove-one neighbours; see ledger.json.");
            if (Seed is not null) yield return "A user seed was given: the noise is reproducible and not secret (for tests and experiments only).";
        }

        public JsonObject ToJson() => new()
        {
            ["generator"] = Generator,
            ["copies"] = Copies,
            ["rows_per_copy"] = Rows,
            ["rows_declared_public"] = RowsDeclared,
            ["epsilon_budget"] = Epsilon,
            ["epsilon_spent"] = SpentEpsilon,
            ["delta"] = Delta,
            ["seeded"] = Seed is not null,
            ["copies_from_one_model"] = CopiesFromOneModel,
            ["copies_are_separate_posterior_draws"] = !CopiesFromOneModel,
            ["files"] = new JsonArray(Enumerable.Range(1, Copies).Select(i => (JsonNode)TwinFile(i)).ToArray()),
            ["caveats"] = new JsonArray(Caveats().Select(c => (JsonNode)c).ToArray()),
        };
    }
}
