using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// Kernel benchmarks. <c>--json</c> runs the quick mode for scripts (one JSON line per result);
/// otherwise BenchmarkDotNet runs the suites (<c>--filter '*Gemm*'</c> etc.).
/// <c>--device D</c> picks the backend (see <see cref="BenchDevices"/>); in quick mode
/// <c>--only TEXT</c> keeps the cases whose name contains TEXT (the FMA peaks always run).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var rest = new List<string>();
        bool json = false;
        string device = "simd";
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json") json = true;
            else if (args[i] == "--device" && i + 1 < args.Length) device = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length) only = args[++i];
            else rest.Add(args[i]);
        }
        try
        {
            BenchDevices.Create(device).Dispose();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        // Child processes of BenchmarkDotNet inherit the environment, so the device reaches them.
        Environment.SetEnvironmentVariable(BenchDevices.EnvironmentVariable, device);
        if (json) return QuickBench.Run(device, only, Console.Out);

        // Case names are long ("gemm-bwd-weight 108x256x1024 TN t2"); do not let the table truncate them.
        var config = DefaultConfig.Instance.AddColumn(new ThroughputColumn())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(48));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config);
        return 0;
    }
}
