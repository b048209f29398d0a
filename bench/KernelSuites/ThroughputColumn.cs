using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DpSynth.Kernels.Cases;

namespace DpSynth.Bench.KernelSuites;

/// <summary>Puts GFLOP/s and GB/s beside each BenchmarkDotNet result, from the row's work counts in the case table.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "Throughput";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "GFLOP/s and GB/s (bytes read + written) from the case table's work counts";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters["Case"] is not string name) return "-";
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || stats.Mean <= 0) return "-";
        var work = KernelCaseTable.Find(name).FullWork;
        double seconds = stats.Mean * 1e-9;
        return $"{work.Flops / seconds / 1e9:F1} GFLOP/s, {work.Bytes / seconds / 1e9:F1} GB/s";
    }

    public override string ToString() => ColumnName;
}
