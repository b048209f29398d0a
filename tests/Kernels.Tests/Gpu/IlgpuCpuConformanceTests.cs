using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Gpu;

// The GPU kernels on ILGPU's CPU simulator: the whole conformance suite with tiny shapes (every simulated
// thread is an OS thread and every barrier waits for all of them, so the simulator is hundreds of times
// slower than plain C#). GEMM sizes include 17 and 33 so that a product spans two or three of the
// simulator's 16-wide tiles in every dimension. All classes share one simulator accelerator and one
// xunit collection, so they run one at a time.

/// <summary>Simulator sizes shared by the ilgpu-cpu classes.</summary>
internal static class SimulatorShapes
{
    public static readonly IReadOnlyList<int> Sizes = [1, 7, 33];
    public static readonly IReadOnlyList<int> GemmSizes = [1, 7, 17, 33];
}

/// <summary>Serialises the simulator suites: the shared accelerator takes one launch at a time.</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuSimulatorCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "ilgpu-cpu simulator";
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuGemmTests : GemmConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuElementwiseTests : ElementwiseConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuActivationTests : ActivationConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuSoftmaxTests : SoftmaxConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuLossTests : LossConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuLayerNormTests : LayerNormConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuPrivacyOpsTests : PrivacyOpsConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuOptimiserTests : OptimiserConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuPowerIterationTests : PowerIterationConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}

[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuCpuMisuseTests : MisuseConformanceTests
{
    protected override IComputeBackend CreateBackend() => IlgpuBackend.CreateOnSharedCpuSimulator();
    protected override IReadOnlyList<int> Sizes => SimulatorShapes.Sizes;
    protected override IReadOnlyList<int> GemmSizes => SimulatorShapes.GemmSizes;
}
