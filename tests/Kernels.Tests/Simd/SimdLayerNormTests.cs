using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Simd;

[Trait("Backend", "simd")]
public sealed class SimdLayerNormTests : LayerNormConformanceTests
{
    protected override IComputeBackend CreateBackend() => new SimdBackend();
}
