using DpSynth.Kernels;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// Kernel benchmarks and checks, all driven by the kernel case table.
/// <list type="bullet">
/// <item><c>--json</c>: one JSON line per (row, threads) — time, GFLOP/s, GB/s, arithmetic intensity,
/// which roof applies and the fraction of it (FMA peak and triad bandwidth measured in the same run).</item>
/// <item><c>--table</c>: the same timings as a readable summary grouped by op family.</item>
/// <item><c>--conformance</c>: every row against the scalar reference, one JSON line per row.</item>
/// </list>
/// The BenchmarkDotNet suites are in bench/KernelSuites, so that this program has no dependency
/// beyond the kernels and its GPU bundle stays small.
/// <c>--device D</c> picks the backend; <c>--tier T</c> or <c>--tiny</c> limits the rows by cost, <c>--network</c> to
/// the reference network's shapes, and
/// <c>--only TEXT</c> by name; <c>--threads N</c> caps CPU threads; <c>--out FILE</c> sends the JSON lines to a file.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
            BackendFactory.Create(options.Device).Dispose();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (!options.Quick)
        {
            Console.Error.WriteLine("Give --json, --table or --conformance (BenchmarkDotNet suites: dotnet run -c Release --project bench/KernelSuites).");
            return 2;
        }
        using var file = options.Out is null ? null : new StreamWriter(options.Out);
        // With --table alone the JSON lines are not wanted; with --out they go to the file either way.
        var json = file ?? (options.Json || options.Conformance ? Console.Out : TextWriter.Null);
        return options.Conformance ? ConformanceRun.Run(options, json) : QuickBench.Run(options, json, options.Table ? Console.Out : null);
    }
}
