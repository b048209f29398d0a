using DpSynth.Kernels.Cases;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// The readable summary (--table): per op family, the reference network's rows with time, rates and
/// the fraction of the roof that applies (on a CPU, that roof's workload timed alongside the row), then
/// the family's best fraction. When no network rows were
/// run (--tiny), every row is listed instead.
/// </summary>
internal static class BenchTable
{
    public static void Write(TextWriter output, string backend, IReadOnlyList<BenchRecord> records, Roofs roofs)
    {
        output.WriteLine($"Kernel case table on {backend} (load average {JsonLines.LoadAverage()?.ToString("0.0") ?? "?"})");
        foreach (var m in roofs.Measurements.Where(m => m.Kind == "fma-peak"))
            output.WriteLine($"  FMA peak, {m.Threads} thread(s): {m.Value,8:0.0} GFLOP/s");
        foreach (var m in roofs.Measurements.Where(m => m.Kind == "triad").OrderBy(m => m.Threads).ThenBy(m => m.FootprintBytes))
            output.WriteLine($"  triad, {m.Threads} thread(s), {Size(m.FootprintBytes),8}/thread: {m.Value,8:0.0} GB/s");
        bool network = records.Any(r => r.Row.Tier >= CaseTier.Network);
        foreach (var family in records.GroupBy(r => r.Row.Family))
        {
            var shown = family.Where(r => !network || r.Row.Tier >= CaseTier.Network).ToList();
            output.WriteLine();
            output.WriteLine($"{family.Key} ({family.Count()} timings{(network ? $", {shown.Count} at the reference network's shapes" : "")})");
            output.WriteLine($"  {"row",-72} {"thr",3} {"µs",10} {"GFLOP/s",9} {"GB/s",8} {"F/B",6} {"bound",7} {"roof",16} {"of roof",7}");
            foreach (var r in shown)
                output.WriteLine($"  {Clip(r.Row.Name, 72),-72} {r.Threads,3} {r.Seconds * 1e6,10:0.0} {r.Gflops,9:0.0} {r.Gbps,8:0.0} {Intensity(r),6} "
                                 + $"{(r.ComputeBound ? "compute" : "memory"),7} {Roof(r),16} {r.FractionOfRoof,7:P0}");
            if (shown.Count > 0)
            {
                var best = shown.MaxBy(r => r.FractionOfRoof)!;
                output.WriteLine($"  best: {best.FractionOfRoof:P0} of the {(best.ComputeBound ? "FMA peak" : "triad bandwidth")} — {best.Row.Name}, {best.Threads} thread(s)");
            }
        }
    }

    private static string Roof(BenchRecord r) => r.ComputeBound ? $"{r.Roof:0.0} GFLOP/s" : $"{r.Roof:0.0} GB/s";

    private static string Intensity(BenchRecord r) => double.IsInfinity(r.Work.Intensity) ? "-" : r.Work.Intensity.ToString("0.00");

    private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    private static string Size(double bytes) => bytes >= 1 << 20 ? $"{bytes / (1 << 20):0} MiB" : $"{bytes / 1024:0} KiB";
}
