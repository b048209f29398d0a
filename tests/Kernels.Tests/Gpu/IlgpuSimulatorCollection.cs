namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>Serialises the simulator suites: the shared accelerator takes one launch at a time.</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuSimulatorCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "ilgpu-cpu simulator";
}
