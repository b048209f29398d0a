using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Simd.Gemm;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// Device selection for the benchmarks. Backends come from <see cref="BackendFactory"/>, the one
/// place a device name becomes a backend for the CLI and the benchmarks alike; this class only adds
/// what is benchmark-specific: carrying --device into child processes and the multi-threaded GEMM.
/// </summary>
internal static class BenchDevices
{
    /// <summary>Environment variable carrying --device into BenchmarkDotNet's child processes.</summary>
    public const string EnvironmentVariable = "DPSYNTH_BENCH_DEVICE";

    /// <summary>Names accepted by --device.</summary>
    public static IReadOnlyList<string> Names => BackendFactory.DeviceNames;

    /// <summary>The device chosen on the command line (default: the SIMD CPU backend).</summary>
    public static string Selected => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } d ? d : "simd";

    /// <summary>A fresh backend for <paramref name="device"/>; ArgumentException for an unknown name.</summary>
    public static IComputeBackend Create(string device) => BackendFactory.Create(device);

    /// <summary>
    /// A GEMM that splits rows over <c>threads</c> workers on this backend, or null when the backend
    /// has none (GPU backends parallelise internally; the reference backend is serial by design).
    /// </summary>
    public static Action<Tensor, bool, Tensor, bool, Tensor, float, float, GemmEpilogue, int>? ParallelGemm(IComputeBackend backend)
        => backend is SimdBackend
            ? (a, ta, b, tb, c, alpha, beta, epilogue, threads) => SimdGemm.Parallel(backend, a, ta, b, tb, c, alpha, beta, epilogue, threads)
            : null;
}
