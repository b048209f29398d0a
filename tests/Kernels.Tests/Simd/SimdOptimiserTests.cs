using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Simd;

[Trait("Backend", "simd")]
public sealed class SimdOptimiserTests : OptimiserConformanceTests
{
    protected override IComputeBackend CreateBackend() => new SimdBackend();
}
