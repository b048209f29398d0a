using System.CommandLine;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth twins study`: the multi-party experiment of Prediger et al. (2023) on the built-in
/// clinic simulator — every centre releases a twin, every centre analyses its local data alone and
/// with k = 1..K other centres' twins in random orders; prints the per-k summary and writes
/// study.json and study.svg.
/// </summary>
internal static class TwinsStudyCommand
{
    /// <summary>File names written into the output directory.</summary>
    public const string JsonFile = "study.json", PlotFile = "study.svg";

    private const string Description = """
        Run the synthetic-twins experiment of Prediger et al. (2023) on the built-in clinic simulator.
        Each centre's rows are split 80/20 (seeded); the union of the 20% parts is the global test set.
        Each centre releases a twin of its 80% part (--copies synthetic datasets at --epsilon, --delta;
        only the model's columns age_group, sex, ethnicity, deprivation, smoker and the outcome).
        Then each centre fits the model to its local data alone (k = 0, robust HC1 intervals) and to
        local data plus the twins of k = 1..K other centres joining in --orders random orders (M fits
        pooled by Rubin's rules for synthetic data). Reported per k: mean test log-likelihood per
        record, its change against local-only and the share of joins where it improved (smallest
        half of the centres and all centres), RMSE of the coefficients against the simulator's true
        ones, and coverage of the true coefficients by the 95% intervals. A level whose records all
        have outcome 0 (logistic: all 0 or all 1) is left out of that fit, its coefficient counting
        as 0; other failed fits (separation in tiny centres) are counted, not fatal. DIR receives
        study.json (every figure per centre, k and order) and study.svg (the plot). The default study
        takes about a minute on two cores with dpvi.

        Family poisson models visits; logistic models event.
        Generator: dpvi (default), the paper's: a mixture model with the outcome's regression, fitted
        by DP-SGD; each copy comes from its own posterior draw, so pooled intervals carry the
        posterior's parameter uncertainty; runs on the host CPU (--device does not apply).
        tablediffusion: its copies are draws from one fitted model, so pooled intervals are too narrow.
        Any generator of `dpsynth models` can be named; the study marks its outcome as the schema's label.

        Examples:
          dpsynth twins study
          dpsynth twins study --centres 8 --rows 5000 --copies 3 --orders 2 --family logistic --seed 7 --output study-small
        """;

    public static Command Create()
    {
        var centres = NumberOptions.Long("--centres", "Number of centres (parties), 2-256; default 16.");
        var rows = NumberOptions.Long("--rows", "Simulated rows over all centres; default 20000.");
        var copies = NumberOptions.Long("--copies", "Synthetic datasets M per twin (>= 2); default 5.");
        var orders = NumberOptions.Long("--orders", "Random joining orders R per centre; default 5.");
        var maxK = NumberOptions.Long("--max-k", "Largest number of other centres' twins joined; default centres - 1.");
        var epsilon = NumberOptions.Double("--epsilon", "Each twin's privacy budget epsilon; default 1.");
        var delta = NumberOptions.Double("--delta", "Each twin's delta; default 1e-6.");
        var family = new Option<string>("--family") { Description = "poisson (outcome visits) or logistic (outcome event).", DefaultValueFactory = _ => "poisson" };
        var generatorOptions = new GeneratorOptions("--generator", DpviModel.KindName, "Twin generator")
            .Number("--epochs", "epochs", "Override the generator's default epochs (DPVI or the TableDiffusion preset).");
        var seed = NumberOptions.Long("--seed", "Study seed: simulation, splits, orders and the generators' noise (reproducible, not secret); without it the seed is 1 and the generators' noise comes from the OS CSPRNG.");
        var output = new Option<string>("--output", "-o") { Description = "Directory for study.json and study.svg (created if needed; the two files are replaced).", DefaultValueFactory = _ => "twins-study" };
        var device = new Option<string>("--device") { Description = $"Compute device for generators that use one: {string.Join(", ", BackendFactory.DeviceNames)} (dpvi runs on the host CPU).", DefaultValueFactory = _ => "auto" };

        var command = new Command("study", Description) { centres, rows, copies, orders, maxK, epsilon, delta, family };
        generatorOptions.AddTo(command);
        foreach (var option in new Option[] { seed, output, device }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            // Checked here rather than by AcceptOnlyFromAmong, whose error spans several lines.
            var fam = parse.GetValue(family) switch
            {
                "poisson" => GlmFamily.Poisson,
                "logistic" => GlmFamily.Logistic,
                var other => throw new CliInputException($"--family: '{other}' is not a family; use poisson or logistic"),
            };
            var (generator, settings) = generatorOptions.Read(parse);
            string deviceName = parse.GetValue(device)!;
            if (!generator.UsesBackend && deviceName != "auto")
                throw new CliInputException($"--device applies to generators that use a compute backend only ({generator.Kind} runs on the host CPU)");

            int centreCount = Int(parse.GetValue(centres), 16, "--centres", 2, 256);
            var options = new TwinStudyOptions
            {
                Centres = centreCount,
                Rows = Int(parse.GetValue(rows), 20_000, "--rows", 50L * centreCount, 5_000_000),
                Copies = Int(parse.GetValue(copies), 5, "--copies", 2, 1000),
                Orders = Int(parse.GetValue(orders), 5, "--orders", 1, 1000),
                MaxPartners = parse.GetValue(maxK) is long k ? Int(k, 0, "--max-k", 1, centreCount - 1) : null,
                Epsilon = Positive(parse.GetValue(epsilon) ?? 1, "--epsilon"),
                Delta = parse.GetValue(delta) is double d ? (d > 0 && d < 1 ? d : throw new CliInputException($"--delta must be in (0, 1), got {d.ToString(CultureInfo.InvariantCulture)}")) : 1e-6,
                Family = fam,
                Seed = unchecked((ulong)(parse.GetValue(seed) ?? 1)),
                SeedGenerator = parse.GetValue(seed) is not null,
            };
            options.Validate();
            try { generator.Validate(new FitRequest { Epsilon = options.Epsilon, Delta = options.Delta, Settings = settings }); }
            catch (ArgumentException e) { throw new CliInputException(e.Message); }
            string dir = parse.GetValue(output)!;
            if (File.Exists(dir)) throw new CliInputException($"{dir}: exists and is a file, not a directory");

            // A compute backend is made only for generators that use one (DPVI trains on the host CPU).
            using var backend = generator.UsesBackend ? BackendFactory.Create(deviceName) : null;
            string given = string.Join(", ", settings.Values.Select(kv => $"{kv.Key}={kv.Value}"));
            string description = given.Length == 0 ? $"{generator.Kind} (default settings)" : $"{generator.Kind} ({given})";
            config.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"twins study: {options.Centres} centres, {options.Rows} rows, {fam.ToString().ToLowerInvariant()}, generator {description} on {backend?.Name ?? "cpu (host)"}, M = {options.Copies}, R = {options.Orders}, k = 1..{options.MaxK}, epsilon {options.Epsilon:R}, delta {options.Delta:R}, seed {options.Seed}{(options.SeedGenerator ? "" : " (generator noise from the OS CSPRNG)")}"));
            var result = TwinStudy.Run(options, generator, settings, backend, new LineProgress(config.Error));

            WriteSummary(config.Output, result);
            try
            {
                Directory.CreateDirectory(dir);
                AtomicFile.WriteText(Path.Combine(dir, JsonFile), TwinStudyJson.ToText(result));
                AtomicFile.WriteText(Path.Combine(dir, PlotFile), TwinStudyPlot.ToSvg(result));
            }
            catch (IOException ex) { throw new CliInputException($"{dir}: cannot write the study ({ex.Message.ReplaceLineEndings(" ")})"); }
            config.Output.WriteLine($"wrote {Path.Combine(dir, JsonFile)} and {Path.Combine(dir, PlotFile)}");
            return 0;
        });
        return command;
    }

    private static int Int(long? value, int fallback, string name, long min, long max)
    {
        long v = value ?? fallback;
        if (v < min || v > max) throw new CliInputException($"{name} must be between {min} and {max}, got {v}");
        return (int)v;
    }

    private static double Positive(double v, string name) =>
        v > 0 ? v : throw new CliInputException($"{name} must be positive, got {v.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The per-k table, failure counts, timings and caveats.</summary>
    internal static void WriteSummary(TextWriter output, TwinStudyResult r)
    {
        static string N(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var o = r.Options;
        int small = r.Centres.Count(c => c.SmallHalf);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Formula} ({o.Family.ToString().ToLowerInvariant()}); {r.Centres.Count} centres ({small} in the smallest half, {r.Centres.Where(c => c.SmallHalf).Sum(c => c.TrainRows)} of {r.Centres.Sum(c => c.TrainRows)} training rows); test set {r.TestRows} rows"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"twins: {r.Generator}, M = {o.Copies} copies, epsilon spent per centre {r.Centres.Min(c => c.EpsilonSpent):0.###}-{r.Centres.Max(c => c.EpsilonSpent):0.###} (budget {o.Epsilon:R}), delta {o.Delta:R}; R = {o.Orders} orders"));
        output.WriteLine("test log-likelihood per record (LL), change vs local-only (dLL), share of joins beating local-only (win),");
        output.WriteLine("coefficient RMSE against the truth, 95% coverage of the true coefficients; k = 0 is local-only");
        output.WriteLine($"{"",4} {"smallest half",-34} {"all centres",-34} {"",8} {"",6}");
        output.WriteLine($"{"k",4} {"LL",9} {"dLL",9} {"win",6} {"RMSE",7} {"LL",9} {"dLL",9} {"win",6} {"RMSE",7} {"cover",6} {"failed",6}");
        foreach (var s in r.Summary)
            output.WriteLine($"{s.K,4} {N(s.MeanLogLikelihoodSmall, "0.0000"),9} {N(s.DeltaSmall, "+0.0000;-0.0000;0.0000"),9} {N(s.BeatsSmall, "0%"),6} {N(s.RmseSmall, "0.000"),7} " +
                $"{N(s.MeanLogLikelihoodAll, "0.0000"),9} {N(s.DeltaAll, "+0.0000;-0.0000;0.0000"),9} {N(s.BeatsAll, "0%"),6} {N(s.RmseAll, "0.000"),7} {N(s.Coverage, "0.0%"),6} {$"{s.Failed}/{s.Analyses}",6}");
        var joinsK = r.Summary.Where(s => s.K > 0).ToArray();
        int localFailed = r.Local.Count(m => !m.Succeeded);
        int failedJoins = r.Joins.Count(j => !j.Metrics.Succeeded);
        int failedFits = r.Local.Sum(m => m.FailedFits) + r.Joins.Sum(j => j.Metrics.FailedFits);
        output.WriteLine($"failures: {localFailed} of {r.Local.Count} local-only fits, {failedJoins} of {r.Joins.Count} joins ({failedFits} failed fits in all); failed analyses are left out of the means");
        if (localFailed > 0)
            output.WriteLine($"  local-only failed for {string.Join(", ", r.Centres.Where((_, c) => !r.Local[c].Succeeded).Select(c => c.Name))}: their joins are not compared with local-only");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: {r.Timings.Total:0.0} s (simulate {r.Timings.Simulate:0.0} s, release {r.Timings.Release:0.0} s, analyse {r.Timings.Analyse:0.0} s)"));
        foreach (var c in r.Caveats()) output.WriteLine($"caveat: {c}");
    }

    /// <summary>Study progress as plain lines on stderr.</summary>
    private sealed class LineProgress(TextWriter error) : IProgress<TwinStudyProgress>
    {
        public void Report(TwinStudyProgress p)
        {
            string stage = p.Stage.ToString().ToLowerInvariant();
            error.WriteLine($"{stage} [{p.Done}/{p.Total}] {p.Message}");
        }
    }
}
