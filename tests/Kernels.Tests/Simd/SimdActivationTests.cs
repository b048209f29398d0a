using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Simd;

[Trait("Backend", "simd")]
public sealed class SimdActivationTests : ActivationConformanceTests
{
    protected override IComputeBackend CreateBackend() => new SimdBackend();
}
