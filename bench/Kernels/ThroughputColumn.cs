using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// Puts GFLOP/s (compute-bound cases) or GB/s (memory-bound ones) beside each BenchmarkDotNet
/// result, from the case's work counts in <see cref="KernelCases"/> and the measured mean.
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "Throughput";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "GFLOP/s for compute-bound cases, GB/s (bytes read + written) for memory-bound ones";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters["Case"] is not string name) return "-";
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || stats.Mean <= 0) return "-";
        var c = KernelCases.Find(name);
        double seconds = stats.Mean * 1e-9;
        return c.Flops > 0 && c.Family != "norms"
            ? $"{c.Flops / seconds / 1e9:F1} GFLOP/s"
            : c.Family == "noise"
                ? $"{c.Bytes / seconds / 1e9:F1} GB/s ({c.Elements / seconds / 1e9:F2} G floats/s)"
                : $"{c.Bytes / seconds / 1e9:F1} GB/s";
    }

    public override string ToString() => ColumnName;
}
