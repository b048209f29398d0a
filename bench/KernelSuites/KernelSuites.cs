using BenchmarkDotNet.Attributes;
using DpSynth.Kernels;
using DpSynth.Kernels.Cases;

namespace DpSynth.Bench.KernelSuites;

/// <summary>
/// Shared body of the BenchmarkDotNet suites: each suite runs the reference network's rows of one
/// op family of the case table on the device chosen with --device; <see cref="ThroughputColumn"/>
/// turns times into rates.
/// </summary>
public abstract class KernelSuite
{
    /// <summary>Environment variable carrying --device into BenchmarkDotNet's child processes.</summary>
    public const string DeviceVariable = "DPSYNTH_BENCH_DEVICE";

    private IComputeBackend? _backend;
    private CaseBuilder? _builder;
    private CaseRun? _run;

    /// <summary>The row name (a row of the case table).</summary>
    public abstract string Case { get; set; }

    /// <summary>Allocates the operands once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = BackendFactory.Create(Environment.GetEnvironmentVariable(DeviceVariable) is { Length: > 0 } d ? d : "simd");
        var row = KernelCaseTable.Find(Case);
        _builder = new CaseBuilder(_backend, ConformanceCheck.Seed(row.Name));
        _run = row.Setup(_builder, row.Batch);
    }

    /// <summary>Frees the operands and the backend.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _builder?.Dispose();
        _backend?.Dispose();
    }

    /// <summary>One call of the op.</summary>
    protected void Invoke()
    {
        _run!.Invoke();
        _backend!.Synchronize();
    }

    /// <summary>Names of the reference network's rows (batch 1024) of <paramref name="families"/>.</summary>
    protected static IEnumerable<string> CasesOf(params string[] families)
        => KernelCaseTable.All.Where(r => r.Tier == CaseTier.Network && families.Contains(r.Family)).Select(r => r.Name).ToList();
}

/// <summary>The network's GEMMs: the 1024×256·256×256 headline in all transposes, and each layer's three GEMMs.</summary>
public class GemmSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("gemm");
    /// <summary>The timed call.</summary>
    [Benchmark] public void Gemm() => Invoke();
}

/// <summary>Streaming ops and activations on the network's layers.</summary>
public class ElementwiseSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("elementwise", "activation");
    /// <summary>The timed call.</summary>
    [Benchmark] public void Elementwise() => Invoke();
}

/// <summary>Softmax, losses and LayerNorm on the network's layers.</summary>
public class NormalisationSuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("softmax", "loss", "layernorm");
    /// <summary>The timed call.</summary>
    [Benchmark] public void Normalisation() => Invoke();
}

/// <summary>DP-SGD's per-example norms, clipping, optimiser steps, noise and power iteration.</summary>
public class PrivacySuite : KernelSuite
{
    /// <inheritdoc />
    [ParamsSource(nameof(Cases))] public override string Case { get; set; } = "";
    /// <summary>Parameter values for <see cref="Case"/>.</summary>
    public static IEnumerable<string> Cases => CasesOf("clipping", "optimiser", "noise", "power-iteration");
    /// <summary>The timed call.</summary>
    [Benchmark] public void Privacy() => Invoke();
}
