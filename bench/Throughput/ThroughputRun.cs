using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DpSynth.Kernels;
using DpSynth.Models.Nn;
using DpSynth.Models.Training;

namespace DpSynth.Bench.Throughput;

/// <summary>The benchmark's configuration (defaults: the reference configuration of DESIGN.md).</summary>
internal sealed record ThroughputSettings
{
    public string Device { get; init; } = "simd";
    public double Seconds { get; init; } = 5;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public string[] Modes { get; init; } = ["nonprivate", "dp-ghost", "dp-materialized"];
    public int Rows { get; init; } = 32_768;
    public int Batch { get; init; } = 1024;
    public int[] Widths { get; init; } = [108, 256, 256, 108];
}

/// <summary>One mode's measurement.</summary>
internal sealed record ThroughputResult(string Mode, double SamplesPerSecond, double StepsPerSecond, double PeakRssMb, string Backend,
    int Threads, int Batch, string Layers, int Rows, long Steps, double Seconds, double NoiseMultiplier, double ClipNorm)
{
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["mode"] = Mode,
        ["samples_per_s"] = Math.Round(SamplesPerSecond),
        ["steps_per_s"] = Math.Round(StepsPerSecond, 2),
        ["peak_rss_mb"] = Math.Round(PeakRssMb, 1),
        ["backend"] = Backend,
        ["threads"] = Threads,
        ["batch"] = Batch,
        ["layers"] = Layers,
        ["rows"] = Rows,
        ["steps"] = Steps,
        ["seconds"] = Math.Round(Seconds, 2),
        ["noise_multiplier"] = NoiseMultiplier,
        ["clip_norm"] = double.IsFinite(ClipNorm) ? ClipNorm : "none",
        ["optimizer"] = "adam",
        ["sampling"] = "poisson",
    }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>
/// Trains the reference MLP with the real trainer (Poisson sampling, clipping, ChaCha20 noise, Adam)
/// for a fixed wall-clock time per mode, after a warm-up that lets tiered JIT settle.
/// </summary>
internal static class ThroughputRun
{
    public static ThroughputResult Measure(ThroughputSettings s, string mode)
    {
        var (isPrivate, gradientMode) = mode switch
        {
            "nonprivate" => (false, GradientMode.Direct),
            "dp-ghost" => (true, GradientMode.Ghost),
            "dp-materialized" => (true, GradientMode.Materialized),
            _ => throw new ArgumentException($"unknown mode '{mode}'; expected nonprivate, dp-ghost or dp-materialized"),
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeakRss();
        using var backend = BackendFactory.Create(s.Device);
        // GPU backends parallelise inside each op; the batch split over cores is for CPU backends.
        int workers = backend.Name is "simd" or "reference" ? s.Threads : 1;
        RowPartition.DefaultWorkers = workers;
        var data = RandomData(s.Rows, s.Widths[0], s.Widths[^1]);
        var layers = new List<Layer>();
        for (int i = 0; i + 1 < s.Widths.Length; i++)
            layers.Add(new Linear(s.Widths[i], s.Widths[i + 1], i + 2 < s.Widths.Length ? Activation.ReLU : Activation.None));
        var options = new DpSgdOptions
        {
            Private = isPrivate,
            PrivateMode = isPrivate ? gradientMode : GradientMode.Ghost,
            ExpectedBatchSize = s.Batch,
            Steps = 1L << 30,
            ProgressInterval = 1L << 30,
            NoiseMultiplier = 1.0,
            ClipNorm = 1f,
            Delta = 1e-5,
            Seed = 1, // reproducible benchmark runs; a release run would use the CSPRNG key
            Workers = workers,
        };
        using var trainer = new DpSgdTrainer(backend, layers, data, new MeanSquaredError(), new AdamOptimizer(1e-3f), options);

        // Train until a deadline: cancellation ends the run between steps; no progress reports, so
        // no ε computations inside the timed region.
        RunFor(trainer, Math.Min(2, s.Seconds / 2));
        long startStep = trainer.Step;
        var clock = Stopwatch.StartNew();
        RunFor(trainer, s.Seconds);
        // The trainer's sampler is keyed by the same seed, so this recounts exactly the batches it drew.
        var sampler = new PoissonSampler(s.Rows, (double)s.Batch / s.Rows, DpSynth.Kernels.Random.NoiseKey.FromSeed(1));
        long samples = 0;
        for (long step = startStep; step < trainer.Step; step++) samples += sampler.Sample(step).Length;
        double seconds = clock.Elapsed.TotalSeconds;
        long steps = trainer.Step - startStep;
        return new ThroughputResult(mode, samples / seconds, steps / seconds, PeakRssMb(), backend.Name, workers, s.Batch,
            string.Join("→", s.Widths.Select(w => w.ToString(CultureInfo.InvariantCulture))), s.Rows, steps, seconds, isPrivate ? 1.0 : 0, isPrivate ? 1.0 : double.PositiveInfinity);
    }

    private static void RunFor(DpSgdTrainer trainer, double seconds)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try { trainer.Train(cancellation: deadline.Token); }
        catch (OperationCanceledException) { }
    }

    private static ArrayBatchSource RandomData(int rows, int inputs, int outputs)
    {
        var rng = new System.Random(12345);
        var x = new float[rows * inputs];
        var y = new float[rows * outputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 2 - 1);
        return new ArrayBatchSource(x, inputs, y, outputs);
    }

    /// <summary>Resets the kernel's peak-RSS mark (Linux ≥ 4.0), so each mode reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double PeakRssMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
    }
}
