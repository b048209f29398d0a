using BenchmarkDotNet.Attributes;
using DpSynth.Kernels;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// Shared body of the BenchmarkDotNet suites: each suite runs the cases of one family of
/// <see cref="KernelCases"/> on a device; <see cref="ThroughputColumn"/> turns times into rates.
/// </summary>
public abstract class KernelSuite
{
    private IComputeBackend? _backend;
    private Action? _run;

    /// <summary>The case name (a row of <see cref="KernelCases"/>).</summary>
    public abstract string Case { get; set; }

    /// <summary>The device the case runs on.</summary>
    public abstract string Device { get; set; }

    /// <summary>Allocates the operands once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = BenchDevices.Create(Device);
        _run = KernelCases.Find(Case).Prepare(_backend);
    }

    /// <summary>Frees the backend.</summary>
    [GlobalCleanup]
    public void Cleanup() => _backend?.Dispose();

    /// <summary>One call of the op.</summary>
    protected void Invoke()
    {
        _run!();
        _backend!.Synchronize();
    }

    /// <summary>Case names of a family; 2-thread GEMMs only for devices that have them.</summary>
    protected static IEnumerable<string> CasesOf(string family)
    {
        using var backend = BenchDevices.Create(BenchDevices.Selected);
        return KernelCases.All(BenchDevices.ParallelGemm(backend) is not null).Where(c => c.Family == family).Select(c => c.Name).ToList();
    }
}

/// <summary>GEMMs: the 1024×256·256×256 headline in all transposes, and every GEMM of the reference net.</summary>
public class GemmSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <inheritdoc />
    [ParamsSource(nameof(Devices))] public override string Device { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("gemm");
    /// <summary>Only the selected device: the reference GEMM is too slow for BenchmarkDotNet's sampling.</summary>
    public static IEnumerable<string> Devices => [BenchDevices.Selected];
    /// <summary>The timed call.</summary>
    [Benchmark] public void Gemm() => Invoke();
}

/// <summary>Activation forward/backward and bias ops on a 1024×256 batch, against the reference.</summary>
public class ElementwiseSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <inheritdoc />
    [ParamsSource(nameof(Devices))] public override string Device { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("elementwise");
    /// <summary>The selected device and the scalar reference.</summary>
    public static IEnumerable<string> Devices => [BenchDevices.Selected, "reference"];
    /// <summary>The timed call.</summary>
    [Benchmark] public void Elementwise() => Invoke();
}

/// <summary>Per-row and per-example squared norms (the DP clipping inputs), against the reference.</summary>
public class NormsSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <inheritdoc />
    [ParamsSource(nameof(Devices))] public override string Device { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("norms");
    /// <summary>The selected device and the scalar reference.</summary>
    public static IEnumerable<string> Devices => [BenchDevices.Selected, "reference"];
    /// <summary>The timed call.</summary>
    [Benchmark] public void Norms() => Invoke();
}

/// <summary>Gaussian noise (ChaCha20 + Box–Muller) added to 1M floats, against the reference.</summary>
public class NoiseSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <inheritdoc />
    [ParamsSource(nameof(Devices))] public override string Device { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("noise");
    /// <summary>The selected device and the scalar reference.</summary>
    public static IEnumerable<string> Devices => [BenchDevices.Selected, "reference"];
    /// <summary>The timed call.</summary>
    [Benchmark] public void Noise() => Invoke();
}
