using System.CommandLine;
using System.Globalization;
using DpSynth.Models.Audit;
using DpSynth.Models.Audit.Mechanisms;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth audit mechanisms`: the noise primitives on neighbouring pairs.</summary>
internal static class AuditMechanismsCommand
{
    private const string Description = """
        Audit every noise primitive on a neighbouring pair exactly at its sensitivity: the ChaCha20
        Gaussian stream on every backend (simd, reference, ilgpu-cpu at small size, cuda when present),
        the analytic Gaussian count, the discrete Gaussian sampler, the DP histogram's counts and its
        thresholded discovery, and the quantile exponential mechanism. Each draws --draws outputs per
        side and reports the optimal test's Gaussian-DP mu (or epsilon, or the escape probability)
        with an interval (95% confidence for all rows together), against the claim and the exact
        value for the pair, plus the noise's moments and Kolmogorov-Smirnov distance. A row passes when the interval holds the exact value
        and does not rise above the claim; positive controls (noise / 10) pass when they are caught.
        Takes about a minute on two cores at the default 10^6 draws.

        Examples:
          dpsynth audit mechanisms
          dpsynth audit mechanisms --draws 100000 --json
        """;

    public static Command Create()
    {
        var draws = NumberOptions.Long("--draws", "Outputs per side of each pair; default 1000000.");
        var epsilon = NumberOptions.Double("--epsilon", "The claim the mechanisms are calibrated to (Gaussian sigma for (epsilon, delta), quantile epsilon); default 1.");
        var noControls = new Option<bool>("--no-controls") { Description = "Skip the positive controls." };
        var json = AuditCommand.JsonOption();
        var seed = AuditCommand.SeedOption();
        var command = new Command("mechanisms", Description) { draws, epsilon, noControls, json, seed };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            long n = parse.GetValue(draws) ?? 1_000_000;
            if (n < 1000 || n > 50_000_000) throw new CliInputException($"--draws must be between 1000 and 50000000, got {n}");
            double e = parse.GetValue(epsilon) ?? 1;
            if (!(e > 0 && e <= 100)) throw new CliInputException($"--epsilon must be in (0, 100], got {e.ToString(CultureInfo.InvariantCulture)}");
            var options = new MechanismAuditOptions
            {
                Draws = (int)n,
                SimulatorDraws = (int)Math.Min(n, 20_000),
                Epsilon = e,
                PositiveControls = !parse.GetValue(noControls),
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
            };
            var report = MechanismAudit.Run(options, new AuditCommand.LineProgress(config.Error));
            if (parse.GetValue(json)) config.Output.WriteLine(AuditJson.ToJson(report));
            else WriteTable(config.Output, report);
            return report.Passed ? 0 : AuditCommand.AuditFailed;
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, MechanismAuditReport report)
    {
        static string F(double v) => double.IsNaN(v) ? "-" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
            : Math.Abs(v) >= 1e-3 || v == 0 ? v.ToString("0.0000", CultureInfo.InvariantCulture) : v.ToString("0.00e+0", CultureInfo.InvariantCulture);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mechanism audit: {report.Options.Draws} draws per side, intervals with 95% family-wise confidence (Bonferroni over the rows), claim epsilon {report.Options.Epsilon:R} (gaussians at delta {report.Options.Delta:R})"));
        output.WriteLine($"{"mechanism",-38} {"setting",-46} {"quantity",-8} {"claimed",8} {"exact",8} {"estimate",8} {"95% interval",-19} {"noise",-8} {"result",-8}");
        foreach (var r in report.Rows)
        {
            string quantity = r.Quantity == "release probability" ? "p(rel)" : r.Quantity;
            string noise = r.Noise is null ? "-" : r.Noise.Consistent ? "ok" : "OFF";
            string result = r.Skipped is not null ? "skipped" : r.Control != PositiveControl.None ? (r.Passed ? "caught" : "MISSED") : r.Passed ? "pass" : "FAIL";
            string name = r.Control == PositiveControl.None ? r.Mechanism : $"[control {r.Control.Name()}] {r.Mechanism}";
            output.WriteLine($"{Cut(name, 38),-38} {Cut(r.Setting, 46),-46} {quantity,-8} {F(r.Claimed),8} {F(r.Exact),8} {F(r.Estimate),8} {$"[{F(r.Lower)}, {F(r.Upper)}]",-19} {noise,-8} {result,-8}");
            if (r.Skipped is not null) output.WriteLine($"  skipped: {r.Skipped}");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time {report.Seconds:0.0} s; {(report.Passed ? "all rows pass" : "SOME ROWS FAIL")}"));
    }

    private static string Cut(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "~";
}
