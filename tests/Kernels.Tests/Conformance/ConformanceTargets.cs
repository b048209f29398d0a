using DpSynth.Kernels.Cases;
using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// A backend the case table is checked on: how to make it, which rows it is fast enough for, and why
/// it cannot run on this machine (null when it can).
/// </summary>
/// <param name="Name">The name the suites refer to.</param>
/// <param name="Create">Makes the backend (once per test run).</param>
/// <param name="Tier">The most expensive tier it runs.</param>
/// <param name="Unavailable">Why it cannot run here, or null.</param>
/// <param name="Only">Row names it is limited to, or null for every row up to <paramref name="Tier"/>.</param>
/// <param name="Except">Rows of its tiers it leaves out (to keep the suite fast), or null.</param>
internal sealed record ConformanceTarget(string Name, Func<IComputeBackend> Create, CaseTier Tier, Func<string?>? Unavailable = null,
    IReadOnlySet<string>? Only = null, Func<KernelCase, bool>? Except = null)
{
    /// <summary>The rows this target runs.</summary>
    public IEnumerable<KernelCase> Rows
        => KernelCaseTable.UpTo(Tier).Where(r => (Only is null || Only.Contains(r.Name)) && Except?.Invoke(r) != true);
}

/// <summary>
/// The backends of the conformance suite. Adding a backend is one line here plus a one-line suite
/// class (see <see cref="ConformanceSuite"/>); adding an op is rows in the case table.
/// </summary>
internal static class ConformanceTargets
{
    private static readonly Lazy<int> CudaDevices = new(BackendFactory.CudaDeviceCount);

    /// <summary>Every target, by name.</summary>
    public static IReadOnlyDictionary<string, ConformanceTarget> All { get; } = new ConformanceTarget[]
    {
        // The network's GEMMs take the scalar reference up to a second each; the benchmarks' --conformance
        // mode and the GPU check run them.
        new("simd", () => new SimdBackend(), CaseTier.Network, Except: r => r.Tier == CaseTier.Network && r.Op == "Gemm"),
        // The GPU kernels on ILGPU's CPU simulator, with small groups (32 threads in 8-wide warps, 16×16 GEMM tiles).
        new("ilgpu-cpu", IlgpuBackend.CreateOnSharedCpuSimulator, CaseTier.Tiny),
        // The simulator with exactly an NVIDIA launch shape — 256-thread groups of 32-wide warps, 64×64 GEMM
        // tiles — on a few rows that cross tile and group edges (it is much slower again).
        new("ilgpu-cpu-gpu-shape", IlgpuBackend.CreateCpuSimulatorWithGpuLaunchShape, CaseTier.Awkward, Only: new HashSet<string>
        {
            "Gemm 70x65x67 NN alpha=0.5 beta=0.25 +bias gelu(0.01)", "Gemm 70x65x67 NT alpha=0.5 beta=0.25 +bias gelu(0.01)",
            "Gemm 70x65x67 TN alpha=0.5 beta=0.25 +bias gelu(0.01)", "Gemm 70x65x67 TT alpha=0.5 beta=0.25 +bias gelu(0.01)",
            "RowSquaredNorms 1x257", "Softmax 1x257 log 6-spans-with-gaps", "LayerNormForward 1x257", "BiasGradient 257x33 beta=0",
            "AddGaussianNoise 1x257 offset=255 sigma=0.75",
        }),
        new("cuda", () => IlgpuBackend.CreateCuda(), CaseTier.NetworkLarge, () => CudaDevices.Value == 0
            ? "no CUDA device: ILGPU found no CUDA GPU/driver on this machine, so the ILGPU kernels are checked only on the CPU simulator (ilgpu-cpu)"
            : null),
    }.ToDictionary(t => t.Name);

    private static readonly Dictionary<string, (IComputeBackend Backend, ReferenceBackend Reference)> Made = [];
    private static readonly Lock Gate = new();

    /// <summary>The target's backend and a reference beside it, made on first use and kept for the test run.</summary>
    public static (IComputeBackend Backend, ReferenceBackend Reference) Backends(string name)
    {
        lock (Gate)
        {
            if (!Made.TryGetValue(name, out var pair)) Made[name] = pair = (All[name].Create(), new ReferenceBackend());
            return pair;
        }
    }
}
