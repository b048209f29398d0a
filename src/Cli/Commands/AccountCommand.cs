using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Pld;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth account`: ε of DP-SGD (Poisson-subsampled Gaussian) by the RDP and PLD accountants,
/// or the noise multiplier that meets a target ε by each.
/// </summary>
internal static class AccountCommand
{
    private const string Example = """
        Privacy accounting for DP-SGD (Poisson-subsampled Gaussian, add/remove-one neighbours).
        Prints epsilon by the RDP accountant (Opacus orders) and by the PLD accountant, or, with
        --target-epsilon, the smallest noise multiplier that meets it by each.

        Examples:
          dpsynth account --sample-rate 0.03125 --noise-multiplier 2.949 --steps 160 --delta 1e-5
          dpsynth account --batch-size 256 --rows 60000 --epochs 10 --delta 1e-5 --target-epsilon 1 --json
        """;

    public static Command Create()
    {
        var sampleRate = NumberOptions.Double("--sample-rate", "Poisson sampling rate q in (0, 1].");
        var steps = NumberOptions.Long("--steps", "Number of DP-SGD steps.");
        var batchSize = NumberOptions.Long("--batch-size", "Expected batch size B (with --rows and --epochs: q = B/N).");
        var rows = NumberOptions.Long("--rows", "Number of rows N (with --batch-size and --epochs).");
        var epochs = NumberOptions.Double("--epochs", "Epochs E (steps = ceil(E*N/B)).");
        var noise = NumberOptions.Double("--noise-multiplier", "Noise standard deviation over the clipping norm, sigma > 0.");
        var target = NumberOptions.Double("--target-epsilon", "Calibrate the noise multiplier to this epsilon instead.");
        var delta = NumberOptions.Double("--delta", "Target delta in (0, 1), chosen by you (never from the row count).");
        var json = new Option<bool>("--json") { Description = "Print one JSON line." };
        var timing = new Option<bool>("--timing") { Description = "Add PLD wall time and peak RSS to the output.", Hidden = true };

        var command = new Command("account", Example) { sampleRate, steps, batchSize, rows, epochs, noise, target, delta, json, timing };
        command.SetAction(parse =>
        {
            var (q, n) = SamplingPlan(parse.GetValue(sampleRate), parse.GetValue(steps),
                parse.GetValue(batchSize), parse.GetValue(rows), parse.GetValue(epochs));
            double d = parse.GetValue(delta) ?? throw new CliInputException("--delta is required");
            if (!(d > 0 && d < 1)) throw new CliInputException($"--delta must be in (0, 1), got {Format(d)}");
            double? sigma = parse.GetValue(noise), eps = parse.GetValue(target);
            if (sigma is null == eps is null) throw new CliInputException("give exactly one of --noise-multiplier and --target-epsilon");

            var result = new Dictionary<string, object> { ["sample_rate"] = q, ["steps"] = n, ["delta"] = d };
            var clock = Stopwatch.StartNew();
            var cpuAtStart = TimeSpan.Zero;
            void StartPldClock() { cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime; clock.Restart(); }
            if (sigma is double s)
            {
                if (!(s > 0)) throw new CliInputException($"--noise-multiplier must be positive, got {Format(s)}");
                var rdp = RdpAccountant.Epsilon(q, s, n, d);
                StartPldClock();
                var pld = new PldAccountant().Epsilon(q, s, n, d);
                result["noise_multiplier"] = s;
                result["epsilon_rdp"] = rdp.Epsilon;
                result["rdp_order"] = rdp.Order;
                result["epsilon_pld"] = pld.Epsilon;
                result["epsilon_pld_error"] = pld.ErrorEstimate;
                result["pld_interval"] = pld.DiscretisationInterval;
            }
            else
            {
                double e = eps!.Value;
                if (!(e > 0)) throw new CliInputException($"--target-epsilon must be positive, got {Format(e)}");
                result["target_epsilon"] = e;
                result["noise_multiplier_rdp"] = NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, q, n, e, d);
                StartPldClock();
                result["noise_multiplier_pld"] = NoiseCalibrator.NoiseMultiplier(AccountantKind.Pld, q, n, e, d);
            }
            if (parse.GetValue(timing))
            {
                // CPU time beside wall time: on a shared machine the wall clock mostly measures the neighbours.
                result["pld_seconds"] = clock.Elapsed.TotalSeconds;
                result["pld_cpu_seconds"] = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
                result["peak_rss_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(ToJson(result));
            else WriteText(output, result);
            return 0;
        });
        return command;
    }

    /// <summary>q and steps from either (--sample-rate, --steps) or (--batch-size, --rows, --epochs).</summary>
    private static (double Q, long Steps) SamplingPlan(double? q, long? steps, long? batch, long? rows, double? epochs)
    {
        bool direct = q is not null || steps is not null;
        bool derived = batch is not null || rows is not null || epochs is not null;
        if (direct && derived) throw new CliInputException("use either --sample-rate/--steps or --batch-size/--rows/--epochs, not both");
        if (derived)
        {
            if (batch is null || rows is null || epochs is null) throw new CliInputException("--batch-size, --rows and --epochs must be given together");
            if (batch < 1) throw new CliInputException($"--batch-size must be at least 1, got {batch}");
            if (rows < batch) throw new CliInputException($"--rows ({rows}) must be at least --batch-size ({batch}) so that q = B/N is in (0, 1]");
            if (!(epochs > 0)) throw new CliInputException($"--epochs must be positive, got {Format(epochs.Value)}");
            double rate = (double)batch.Value / rows.Value;
            return (rate, (long)Math.Ceiling(epochs.Value * rows.Value / batch.Value));
        }
        if (q is null || steps is null) throw new CliInputException("--sample-rate and --steps are required (or --batch-size, --rows and --epochs)");
        if (!(q > 0 && q <= 1)) throw new CliInputException($"--sample-rate must be in (0, 1], got {Format(q.Value)}");
        if (steps < 1) throw new CliInputException($"--steps must be at least 1, got {steps}");
        return (q.Value, steps.Value);
    }

    private static void WriteText(TextWriter output, Dictionary<string, object> r)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "sample rate {0:G6}, {1} steps, delta {2:G3} (add/remove one record)", r["sample_rate"], r["steps"], r["delta"]));
        if (r.ContainsKey("epsilon_rdp"))
        {
            output.WriteLine(string.Format(c, "noise multiplier {0:G6}", r["noise_multiplier"]));
            output.WriteLine(string.Format(c, "epsilon (RDP, order {0:G3}): {1:F4}", r["rdp_order"], r["epsilon_rdp"]));
            output.WriteLine(string.Format(c, "epsilon (PLD, grid {0:G3}): {1:F4}  (discretisation error estimate {2:G2})",
                r["pld_interval"], r["epsilon_pld"], r["epsilon_pld_error"]));
        }
        else
        {
            output.WriteLine(string.Format(c, "target epsilon {0:G6}", r["target_epsilon"]));
            output.WriteLine(string.Format(c, "noise multiplier (RDP): {0:F4}", r["noise_multiplier_rdp"]));
            output.WriteLine(string.Format(c, "noise multiplier (PLD): {0:F4}", r["noise_multiplier_pld"]));
        }
        if (r.TryGetValue("pld_seconds", out var secs))
            output.WriteLine(string.Format(c, "PLD time {0:F3} s wall, {1:F3} s CPU, peak RSS {2:F1} MB", secs, r["pld_cpu_seconds"], r["peak_rss_mb"]));
    }

    private static string Format(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>
    /// The result as one JSON line, exactly as JsonSerializer wrote the dictionary with named floating-point
    /// literals: keys in insertion order, numbers in shortest round-trip form, NaN and infinities as strings.
    /// Written by hand because a NativeAOT build has no reflection-based serialisation of <c>object</c> values.
    /// </summary>
    internal static string ToJson(Dictionary<string, object> result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in result)
            {
                switch (value)
                {
                    case long whole: writer.WriteNumber(key, whole); break;
                    case double real when double.IsFinite(real): writer.WriteNumber(key, real); break;
                    case double named: writer.WriteString(key, named.ToString(CultureInfo.InvariantCulture)); break;
                    default: throw new UnreachableException($"account result '{key}' holds a {value.GetType().Name}, not a long or double");
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
