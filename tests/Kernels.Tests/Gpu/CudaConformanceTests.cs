using System.Reflection;
using System.Runtime.ExceptionServices;
using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>
/// A [Fact] that is skipped, with the reason shown, on machines without a CUDA device. xunit v2 cannot
/// skip inherited facts at run time, so the CUDA runs are facts of their own that execute each
/// conformance suite's facts programmatically (see <see cref="CudaConformanceTests"/>).
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    private static readonly Lazy<int> DeviceCount = new(BackendFactory.CudaDeviceCount);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when ILGPU finds no CUDA device.</summary>
    public CudaFactAttribute()
    {
        if (DeviceCount.Value == 0)
            Skip = "no CUDA device: ILGPU found no CUDA GPU/driver on this machine, so the ILGPU kernels are checked only on the CPU simulator (Backend=ilgpu-cpu)";
    }
}

/// <summary>
/// The full conformance suite (default, large shapes) against <see cref="IlgpuBackend"/> on CUDA device 0:
/// one fact per op family, each running every [Fact] of that family's suite and reporting all failures.
/// </summary>
[Trait("Backend", "cuda")]
public sealed class CudaConformanceTests
{
    [CudaFact] public void Gemm() => RunSuite<CudaGemm>();
    [CudaFact] public void Elementwise() => RunSuite<CudaElementwise>();
    [CudaFact] public void Activation() => RunSuite<CudaActivation>();
    [CudaFact] public void Softmax() => RunSuite<CudaSoftmax>();
    [CudaFact] public void Loss() => RunSuite<CudaLoss>();
    [CudaFact] public void LayerNorm() => RunSuite<CudaLayerNorm>();
    [CudaFact] public void PrivacyOps() => RunSuite<CudaPrivacyOps>();
    [CudaFact] public void Optimiser() => RunSuite<CudaOptimiser>();
    [CudaFact] public void PowerIteration() => RunSuite<CudaPowerIteration>();
    [CudaFact] public void Misuse() => RunSuite<CudaMisuse>();

    [CudaFact]
    public void NoiseEqualsTheScalarStreamBitForBit()
    {
        using var backend = IlgpuBackend.CreateCuda();
        var key = NoiseKey.FromSeed(20261123);
        foreach (var (offset, length) in new[] { (0UL, 1), (0UL, 159), (37UL, 161), (255UL, 1000), ((1UL << 40) + 3, 100_003) })
            IlgpuNoiseTests.AssertBitIdentical(backend, key, offset, length, 0.75f);
        // Block 3942520 of this key needs the far-tail extension block.
        IlgpuNoiseTests.AssertBitIdentical(backend, key, 3942520UL / 16 * 256 - 3, 262, 1f);
    }

    /// <summary>Runs every [Fact] of suite <typeparamref name="T"/> on a fresh instance; fails listing each failing fact.</summary>
    private static void RunSuite<T>() where T : BackendTestBase, new()
    {
        var failures = new List<Exception>();
        var facts = typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is { Skip: null } && m.GetParameters().Length == 0);
        foreach (var fact in facts)
        {
            using var suite = new T();
            try
            {
                fact.Invoke(suite, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                failures.Add(new Exception($"{fact.Name}: {e.InnerException.Message}", e.InnerException));
            }
        }
        if (failures.Count == 1) ExceptionDispatchInfo.Capture(failures[0]).Throw();
        if (failures.Count > 1) throw new AggregateException($"{failures.Count} {typeof(T).Name} facts failed", failures);
    }

    private sealed class CudaGemm : GemmConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaElementwise : ElementwiseConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaActivation : ActivationConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaSoftmax : SoftmaxConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaLoss : LossConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaLayerNorm : LayerNormConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaPrivacyOps : PrivacyOpsConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaOptimiser : OptimiserConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaPowerIteration : PowerIterationConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
    private sealed class CudaMisuse : MisuseConformanceTests { protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateCuda(); }
}
