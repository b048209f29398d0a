using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using DpSynth.Kernels;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// The scripts' mode (--json): one JSON line per result, Stopwatch-timed, median of several
/// repetitions after warm-up. Peaks are measured in the same run so that ratios, not absolute
/// times, are compared on a shared, noisy machine.
/// </summary>
internal static class QuickBench
{
    private const int Repetitions = 7;
    // Warm-up outlasts tiered compilation's 100 ms call-counting delay, so callees that are not inlined
    // (Vector512.Exp in the activations) run their optimised code, as they do in a training loop.
    private const double WarmupSeconds = 0.25, MinRepetitionSeconds = 0.01;

    public static int Run(string device, string? only, TextWriter output)
    {
        var peaks = new Dictionary<int, double>();
        foreach (int threads in new[] { 1, 2 })
        {
            peaks[threads] = FmaPeak.Measure(threads);
            Emit(output, new { op = "fma-peak", threads, gflops = Round(peaks[threads]) });
        }

        using var backend = BenchDevices.Create(device);
        bool parallel = BenchDevices.ParallelGemm(backend) is not null;
        bool Selected(KernelCase c) => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase);
        foreach (var c in KernelCases.All(parallel).Where(Selected))
            Measure(c, backend, output, peaks);

        // The scalar reference as a baseline where it is cheap enough to time (forward GEMMs, the
        // memory-bound ops); its big GEMMs take ~0.1 s a call.
        if (backend.Name != "reference")
        {
            using var reference = BenchDevices.Create("reference");
            foreach (var c in KernelCases.All(parallelGemm: false).Where(c => (c.Family != "gemm" || c.Op == "gemm-fwd") && Selected(c)))
                Measure(c, reference, output, peaks);
        }
        return 0;
    }

    private static void Measure(KernelCase c, IComputeBackend backend, TextWriter output, Dictionary<int, double> peaks)
    {
        Action run = c.Prepare(backend);
        run();
        double seconds = MedianSeconds(run, backend);
        double gflops = c.Flops / seconds / 1e9, gbps = c.Bytes / seconds / 1e9;
        if (c.Family == "gemm")
            Emit(output, new
            {
                op = c.Op, backend = backend.Name, m = c.M, n = c.N, k = c.K, transA = c.TransposeA, transB = c.TransposeB,
                epilogue = c.Epilogue, threads = c.Threads, gflops = Round(gflops), gbps = Round(gbps),
                pctPeak = Round(100 * gflops / peaks[c.Threads]), us = Round(seconds * 1e6),
            });
        else
            Emit(output, new
            {
                op = c.Op, backend = backend.Name, m = c.M, n = c.N, k = c.K, transA = false, transB = false, threads = c.Threads,
                gflops = Round(gflops), gbps = Round(gbps), gelems = Round(c.Elements / seconds / 1e9), us = Round(seconds * 1e6),
            });
    }

    /// <summary>Median seconds per call: warm up, size a repetition to ≥ 10 ms, time 7 of them.</summary>
    private static double MedianSeconds(Action run, IComputeBackend backend)
    {
        var sw = Stopwatch.StartNew();
        int warm = 0;
        while (sw.Elapsed.TotalSeconds < WarmupSeconds || warm < 2) { run(); warm++; }
        backend.Synchronize();
        double perCall = sw.Elapsed.TotalSeconds / warm;
        int inner = Math.Max(1, (int)Math.Ceiling(MinRepetitionSeconds / perCall));
        int repetitions = perCall > 0.05 ? 3 : Repetitions;
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            sw.Restart();
            for (int i = 0; i < inner; i++) run();
            backend.Synchronize();
            times[r] = sw.Elapsed.TotalSeconds / inner;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }

    private static double Round(double x) => Math.Round(x, 2);

    // Relaxed escaping keeps "bias+silu" readable for grep instead of "bias\u002Bsilu".
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Emit(TextWriter output, object line) => output.WriteLine(JsonSerializer.Serialize(line, JsonOptions));
}
