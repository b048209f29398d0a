using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DpSynth.Kernels;

namespace DpSynth.Bench.KernelSuites;

/// <summary>
/// BenchmarkDotNet suites over the reference network's rows of the kernel case table
/// (<c>--filter '*Gemm*'</c> etc.; <c>--device D</c> picks the backend). The quick JSON/table modes and
/// the conformance mode are in bench/Kernels, which stays small enough to carry to a GPU machine.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var rest = new List<string>();
        string device = "simd";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--device" && i + 1 < args.Length) device = args[++i];
            else rest.Add(args[i]);
        }
        try
        {
            BackendFactory.Create(device).Dispose();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        // Child processes of BenchmarkDotNet inherit the environment, so the device reaches them.
        Environment.SetEnvironmentVariable(KernelSuite.DeviceVariable, device);
        // Row names are long ("Gemm 256x256x1024 TN layer2-weight-gradient"); do not let the table truncate them.
        var config = DefaultConfig.Instance.AddColumn(new ThroughputColumn())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(64));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], config);
        return 0;
    }
}
