using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.LipschitzVae;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth release-twins`: twins mode of a Lipschitz VAE — k synthetic twins of every record of the
/// private table through the certified encoder's Gaussian mechanism, with the release's ledger record.
/// </summary>
internal static class ReleaseTwinsCommand
{
    /// <summary>The synthetic table inside the output directory.</summary>
    public const string TwinsFile = "twins.csv";

    /// <summary>The release's ledger record inside the output directory.</summary>
    public const string ReleaseFile = "release.json";

    private const string Description = """
        Twins mode of a Lipschitz VAE (a model fitted with --model lvae): every record x of DATA becomes
        --per-record k synthetic twins, decoded from z = mu(x) + sigma * xi, where mu is the encoder mean
        whose Lipschitz bound L is certified (exact spectral norms) and sigma is public. For the fitted
        weights, one twin is a Gaussian mechanism with sensitivity L * D (D the diameter of the encoded
        record box) and k twins are sqrt(k) * L * D / sigma - Gaussian DP with respect to their record.

        Neighbours are replace-one: the output has exactly k rows per record, so the row count is
        revealed; the model's schema must have declared it public ("rows": {"public": N}). The fit
        (add/remove-one) is converted to replace-one by group privacy (2 eps, (1 + e^eps) delta) and
        composed with the release by basic composition; half of delta goes to each. release.json
        records the fit's ledger, the release stage, the conversion and the total.

        What twins mode protects: each source record, given DP-trained weights, against someone who
        sees the twins and the model. What it does not: twins carry their record's information up to
        the stated epsilon, which at small epsilon means the noise swamps the record entirely; the
        noise is floating-point Gaussian noise, not an exact sampler.

        Give --latent-sigma, or --release-epsilon for the total (fit and release) epsilon under
        replace-one at the fit's delta (or --delta). --verify searches the input box for pairs breaking the
        certificate and checks the privacy loss on 10^6 latents before anything is written.
        `dpsynth sample` on the same model is prior mode (z ~ N(0, I); no further cost).

        Examples:
          dpsynth release-twins adult-lvae.dpsynth --source adult.csv --per-record 1 --release-epsilon 1 -o twins
          dpsynth release-twins adult-lvae.dpsynth --source adult.csv --per-record 3 --latent-sigma 40 --verify --seed 1 -o twins3
        """;

    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "Model file of kind lvae written by `dpsynth fit --model lvae`." };
        var source = new Option<string>("--source") { Description = "The private table whose records get twins (the table the model was fitted on).", Required = true };
        var perRecord = NumberOptions.Long("--per-record", "Twins per record k (default 1).");
        var sigma = NumberOptions.Double("--latent-sigma", "Public sigma of the release noise.");
        var releaseEpsilon = NumberOptions.Double("--release-epsilon", "Total epsilon (fit and release, replace-one, at the fit's delta); sigma is solved from it.");
        var delta = NumberOptions.Double("--delta", "Total delta of fit and release under replace-one (default: the fit's delta).");
        var lipschitz = NumberOptions.Double("--lipschitz", "Project the encoder mean onto this Lipschitz bound first (default: the fit's).");
        var verify = new Option<bool>("--verify") { Description = "Run the certificate checker (gradient-ascent pair search, privacy loss of 10^6 latents) and refuse to release on a violation." };
        var seed = NumberOptions.Long("--seed", "Seed of the release noise (reproducible, NOT secret: for tests and experiments); default: OS CSPRNG.");
        var shard = new Option<string?>("--shard") { Description = "i/n: produce shard i (0-based) of n of the twins." };
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var output = OutputGuard.Directory(new Option<string>("--output", "-o") { Description = $"Directory to write {TwinsFile} and {ReleaseFile} into.", Required = true });

        var command = new Command("release-twins", Description) { modelPath, source, perRecord, sigma, releaseEpsilon, delta, lipschitz, verify, seed, shard, device, output };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var config = parse.InvocationConfiguration;
            var (index, count) = SampleCommand.ParseShard(parse.GetValue(shard));
            long k = parse.GetValue(perRecord) ?? 1;
            if (k < 1 || k > 10_000) throw new CliInputException($"--per-record must be between 1 and 10000, got {k}");
            ulong? seedValue = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null;
            string path = parse.GetValue(modelPath)!;
            var model = GeneratorRegistry.Load(path) as LipschitzVaeModel
                ?? throw new CliInputException($"{path}: twins mode needs a model of kind {LipschitzVaeModel.KindName} (fit with --model {LipschitzVaeModel.KindName})");
            // The plan (sigma, projection, guarantee) is public and checked before the private table is read.
            var release = TwinsRelease.Plan(model, (int)k, parse.GetValue(lipschitz), parse.GetValue(sigma), parse.GetValue(releaseEpsilon), parse.GetValue(delta));
            CertificateReport? report = null;
            if (parse.GetValue(verify))
            {
                report = release.Verify(seedValue ?? (ulong)Random.Shared.NextInt64());
                config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"certificate check: max ratio {report.MaxRatio:0.####} <= L {report.CertifiedLipschitz:0.####}; max latent distance {report.MaxDistance:0.####} <= sensitivity {report.Sensitivity:0.####}; privacy loss of {report.Draws} latents: sd {report.LossStd:0.#####} (exact {report.PairMu:0.#####}, charged {report.ReleaseMu:0.#####})"));
                if (!report.Passed)
                {
                    config.Error.WriteLine($"dpsynth: certificate check failed: {report.Failure}; nothing was released");
                    return 3;
                }
            }
            string sourcePath = parse.GetValue(source)!;
            if (!File.Exists(sourcePath)) throw new CliInputException($"{sourcePath}: file not found");
            Table table;
            try { table = TableReader.Read(sourcePath, model.Schema); }
            catch (TableFormatException e) { throw new CliInputException(e.Message, e); }
            catch (IOException e) { throw new CliInputException(e.Message, e); }
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            var batches = release.Sample(table, backend, seedValue, index, count);
            string dir = parse.GetValue(output)!;
            long written = 0;
            AtomicDirectory.Write(dir, temp =>
            {
                written = TableWriter.Write(Path.Combine(temp, TwinsFile), batches, cancellation: Interrupt.Token);
                AtomicFile.WriteText(Path.Combine(temp, ReleaseFile), release.ToJson(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            });
            var g = release.Guarantee;
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"released {written} twins ({k} per record{(count > 1 ? $", shard {index}/{count}" : "")}): sigma {release.Sigma:0.####}, sensitivity {release.Sensitivity:0.####} (L {release.Mean.Lipschitz:0.####} x D {release.Diameter:0.####}), mu {release.Mu:0.####}"));
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"privacy (replace-one): epsilon {g.Epsilon:0.####} at delta {g.Delta:0.###e0} = fit 2 x {g.FitEpsilonAddRemove:0.####} + release {g.ReleaseEpsilon:0.####}; {clock.Elapsed.TotalSeconds:0.0} s"));
            config.Output.WriteLine($"wrote {dir}");
            return 0;
        });
        return command;
    }
}
