using System.CommandLine;
using System.Globalization;
using DpSynth.Models.Audit;
using DpSynth.Models.Audit.Generators;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth audit generator`: black-box membership audit of one generator kind.</summary>
internal static class AuditGeneratorCommand
{
    private const string Description = """
        Audit a generator (any kind `dpsynth models` lists, with its default settings) from its
        synthetic output alone. A worst-case table - a target record and
        five records that share none of its values, the whole domain declared public - is fitted
        --runs times, half with the target and half without (random order); from each fit 500
        synthetic rows are sampled and scored by six statistics (the share of rows equal to the
        target in each column, their mean, the share of whole target rows). The statistic and
        threshold chosen on the first half of the runs are applied to the second half, and the
        Clopper-Pearson bounds on its error rates give epsilon-hat =
        max(ln((1 - delta - FNR)/FPR), ln((1 - delta - FPR)/FNR), 0) at 95% confidence.
        A row passes when epsilon-hat <= the claim. The positive control (at the smallest epsilon)
        breaks the generator while its ledger claims the sound fit: categories-without-dp (column
        a's category set left private, then read exactly) where the generator discovers category
        sets with DP, as tablediffusion does; otherwise noise-div10. It passes when caught. With R runs the
        audit can certify at most about ln(R/15) (2.6 at R = 200), so controls are run at a small epsilon.

        Examples:
          dpsynth audit generator --model tablediffusion
          dpsynth audit generator --model dpvi --epsilon 1,4 --runs 400 --json
          dpsynth audit generator --model tablediffusion --epsilon 1 --control no-clipping
        """;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Generator kind: {string.Join(" or ", GeneratorAudit.Kinds)}.", Required = true };
        var epsilon = new Option<string>("--epsilon") { Description = "Claimed epsilon of each fit, or a comma-separated list; default 1,4." };
        var delta = NumberOptions.Double("--delta", "Claimed delta; default 1e-5.");
        var runs = NumberOptions.Long("--runs", "Fits per audited epsilon (a multiple of 4); default 200.");
        var control = new Option<string>("--control") { Description = "Run only this positive control: categories-without-dp (generators that discover categories), noise-div10 or no-clipping." };
        var noControls = new Option<bool>("--no-controls") { Description = "Skip the positive control." };
        var device = new Option<string>("--device") { Description = "Compute device for tablediffusion; default simd.", DefaultValueFactory = _ => "simd" };
        var json = AuditCommand.JsonOption();
        var seed = AuditCommand.SeedOption();
        var command = new Command("generator", Description) { model, epsilon, delta, runs, control, noControls, device, json, seed };
        command.SetAction(parse =>
        {
            string kind = parse.GetValue(model)!;
            if (!GeneratorAudit.Kinds.Contains(kind)) throw new CliInputException($"--model: '{kind}' is not a generator; use {string.Join(" or ", GeneratorAudit.Kinds)}");
            var claims = AuditDpSgdCommand.EpsilonList(parse.GetValue(epsilon), "1,4");
            string deviceName = parse.GetValue(device)!;
            try { Kernels.BackendFactory.Create(deviceName).Dispose(); }
            catch (ArgumentException e) { throw new CliInputException($"--device: {e.Message}"); }
            var template = new GeneratorAuditOptions
            {
                Model = kind,
                Delta = parse.GetValue(delta) ?? 1e-5,
                Runs = (int)Math.Clamp(parse.GetValue(runs) ?? 200, int.MinValue, int.MaxValue),
                Device = deviceName,
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
            };
            var controls = GeneratorAudit.Controls(kind);
            var only = parse.GetValue(control) is string name ? AuditDpSgdCommand.ParseControl(name, [.. controls]) : (PositiveControl?)null;
            var jobs = AuditCommand.Jobs(claims, only, !parse.GetValue(noControls), controls.Take(1), (e, c) => template with { Epsilon = e, Control = c });
            return AuditCommand.Execute(parse, json, jobs, j => j.Validate(), (j, p) => GeneratorAudit.Run(j, p), r => r.Passed, WriteTable, AuditJson.ToJson);
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IReadOnlyList<GeneratorAuditResult> results)
    {
        var o = results[0].Options;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generator audit: {o.Model}, {o.Runs} fits per row (half with the target), {o.SyntheticRows} synthetic rows each, delta {o.Delta:R}; threshold from the first half, errors on the second; 95% confidence"));
        output.WriteLine($"{"claimed eps",11} {"control",-22} {"ledger eps",10} {"statistic",-26} {"mean in",8} {"mean out",8} {"FP",7} {"FN",7} {"FPR<=",7} {"FNR<=",7} {"eps-hat",8} {"time",7}  result");
        foreach (var r in results)
        {
            var t = r.Test;
            string verdict = AuditCommand.Verdict(r.Options.Control, r.Passed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Options.Epsilon,11:0.###} {r.Options.Control.Name(),-22} {r.LedgerEpsilon,10:0.0000} {t.Statistic,-26} {r.MeanScoreIn,8:0.0000} {r.MeanScoreOut,8:0.0000} {$"{t.FalsePositives}/{t.Negatives}",7} {$"{t.FalseNegatives}/{t.Positives}",7} {t.FalsePositiveRateUpper,7:0.000} {t.FalseNegativeRateUpper,7:0.000} {r.EpsilonLowerBound,8:0.000} {r.Seconds,6:0}s  {verdict}"));
        }
        output.WriteLine(results.All(r => r.Passed) ? "all rows pass" : "SOME ROWS FAIL");
    }
}
