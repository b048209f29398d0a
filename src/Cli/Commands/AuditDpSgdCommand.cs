using System.CommandLine;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Audit;
using DpSynth.Models.Audit.DpSgd;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth audit dpsgd`: the one-run white-box audit of DP-SGD at one or more claimed ε.</summary>
internal static class AuditDpSgdCommand
{
    private const string Description = """
        Audit DP-SGD in one training run (Steinke, Nasr & Jagielski, NeurIPS 2023). --canaries Dirac
        canaries - records whose gradient is exactly C times one unit vector after clipping - each go
        into the training set with probability 1/2; the real trainer runs once (Poisson sampling,
        clipping, ChaCha20 noise with the sigma the ledger calibrates for the claimed epsilon and
        delta, then the optimiser). --trainer network (default) audits the network trainer on a
        compute backend (TableDiffusion's: ghost clipping, here with SGD); --trainer per-example the
        host per-example trainer (DPVI's, with Adam). Each canary is scored by how far its weight moved; the top k are guessed in, the
        bottom k out, and epsilon-hat is the largest epsilon the guesses reject at 95% confidence
        (k in m/20, m/10, m/5, Bonferroni-corrected). A row passes when epsilon-hat <= the claim.
        Positive controls (at the smallest epsilon): noise multiplier / 10 and clipping disabled,
        each with the ledger still claiming the sound run; they pass when epsilon-hat exceeds the
        claim. One run certifies at most about ln(k/2) (4.5 at k = 200), so large claims cannot be contradicted.

        Examples:
          dpsynth audit dpsgd
          dpsynth audit dpsgd --epsilon 2 --canaries 2000 --json
          dpsynth audit dpsgd --epsilon 1 --control no-clipping
        """;

    public static Command Create()
    {
        var epsilon = new Option<string>("--epsilon") { Description = "Claimed epsilon, or a comma-separated list; default 1,2,4,8." };
        var delta = NumberOptions.Double("--delta", "Claimed delta; default 1e-5.");
        var canaries = NumberOptions.Long("--canaries", "Dirac canaries m; default 1000.");
        var steps = NumberOptions.Long("--steps", "DP-SGD steps; default 100.");
        var sampleRate = NumberOptions.Double("--sample-rate", "Poisson sampling rate q; default 0.5.");
        var guesses = NumberOptions.Long("--guesses", "Guess exactly k canaries in and k out (instead of trying m/20, m/10, m/5).");
        var control = new Option<string>("--control") { Description = "Run only this positive control (the trainer broken on purpose while the ledger claims the sound run): noise-div10 or no-clipping." };
        var noControls = new Option<bool>("--no-controls") { Description = "Skip the positive controls." };
        var trainer = new Option<string>("--trainer") { Description = "Trainer under audit: network (default) or per-example.", DefaultValueFactory = _ => "network" };
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}; default simd.", DefaultValueFactory = _ => "simd" };
        var json = AuditCommand.JsonOption();
        var seed = AuditCommand.SeedOption();
        var command = new Command("dpsgd", Description) { epsilon, delta, canaries, steps, sampleRate, guesses, control, noControls, trainer, device, json, seed };
        command.SetAction(parse =>
        {
            var claims = EpsilonList(parse.GetValue(epsilon), "1,2,4,8");
            var trainerKind = parse.GetValue(trainer) switch
            {
                "network" => AuditedTrainer.Network,
                "per-example" => AuditedTrainer.PerExample,
                var other => throw new CliInputException($"--trainer: '{other}' is not a trainer; use network or per-example"),
            };
            string deviceName = parse.GetValue(device)!;
            try { BackendFactory.Create(deviceName).Dispose(); }
            catch (ArgumentException e) { throw new CliInputException($"--device: {e.Message}"); }
            var template = new DpSgdAuditOptions
            {
                Delta = parse.GetValue(delta) ?? 1e-5,
                Canaries = (int)Math.Clamp(parse.GetValue(canaries) ?? 1000, int.MinValue, int.MaxValue),
                Steps = parse.GetValue(steps) ?? 100,
                SampleRate = parse.GetValue(sampleRate) ?? 0.5,
                GuessesPerSide = parse.GetValue(guesses) is long k ? [(int)Math.Clamp(k, int.MinValue, int.MaxValue)] : [],
                Device = deviceName,
                Trainer = trainerKind,
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
            };
            var only = parse.GetValue(control) is string name ? ParseControl(name, PositiveControl.NoiseDividedByTen, PositiveControl.ClippingDisabled) : (PositiveControl?)null;
            var jobs = AuditCommand.Jobs(claims, only, !parse.GetValue(noControls), [PositiveControl.NoiseDividedByTen, PositiveControl.ClippingDisabled],
                (e, c) => template with { Epsilon = e, Control = c });
            return AuditCommand.Execute(parse, json, jobs, j => j.Validate(), (j, p) => DpSgdAudit.Run(j, p), r => r.Passed, WriteTable, AuditJson.ToJson);
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IReadOnlyList<DpSgdAuditResult> results)
    {
        var o = results[0].Options;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DP-SGD one-run audit: m = {o.Canaries} Dirac canaries (each in with probability 1/2), {o.BackgroundRecords} background records, q = {o.SampleRate:R}, T = {o.Steps} steps, clip {o.ClipNorm:R}, delta {o.Delta:R}, {(o.Trainer == AuditedTrainer.Network ? $"network trainer (SGD) on {o.Device}" : "per-example trainer (Adam)")}; 95% confidence"));
        output.WriteLine($"{"claimed eps",11} {"control",-12} {"sigma",8} {"ledger eps",10} {"in",5} {"k",5} {"guesses",7} {"correct",7} {"eps-hat",8} {"time",7}  result");
        foreach (var r in results)
        {
            var b = r.Best;
            string verdict = AuditCommand.Verdict(r.Options.Control, r.Passed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Options.Epsilon,11:0.###} {r.Options.Control.Name(),-12} {r.NoiseMultiplier,8:0.0000} {r.LedgerEpsilon,10:0.0000} {r.Included,5} {b.PerSide,5} {2 * b.PerSide,7} {b.Correct,7} {r.EpsilonLowerBound,8:0.000} {r.Seconds,6:0.0}s  {verdict}"));
        }
        output.WriteLine(results.All(r => r.Passed) ? "all rows pass" : "SOME ROWS FAIL");
    }

    /// <summary>A comma-separated list of positive ε values.</summary>
    internal static double[] EpsilonList(string? text, string fallback)
    {
        var parts = (text ?? fallback).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliInputException("--epsilon: give a number or a comma-separated list");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v) ? v
            : throw new CliInputException($"--epsilon: '{p}' is not a positive number")).ToArray();
    }

    /// <summary>A positive control by name, among those the audit supports.</summary>
    internal static PositiveControl ParseControl(string name, params PositiveControl[] allowed)
    {
        PositiveControl c;
        try { c = PositiveControlNames.Parse(name); }
        catch (ArgumentException e) { throw new CliInputException($"--control: {e.Message}"); }
        if (!allowed.Contains(c)) throw new CliInputException($"--control: '{name}' does not apply here; use {string.Join(" or ", allowed.Select(a => a.Name()))}");
        return c;
    }
}
