using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Tests.Nn;

/// <summary>A GPU backend takes one caller at a time: a network built on it splits no batch over workers.</summary>
public class NetworkWorkersTests
{
    [Fact]
    public void AGpuBackendGetsOneWorkerAndACpuBackendTheWorkersAskedFor()
    {
        using var gpu = BackendFactory.Create("ilgpu-cpu"); // ILGPU's simulator: the same backend class as CUDA
        using var cpu = new SimdBackend();
        Assert.Equal(1, gpu.MaxConcurrentCallers);
        using var onGpu = new Network(gpu, [new ActivationLayer(Activation.ReLU, 4)], 8, workers: 4);
        using var onCpu = new Network(cpu, [new ActivationLayer(Activation.ReLU, 4)], 8, workers: 4);
        Assert.Equal(1, onGpu.Workers);
        Assert.Equal(4, onCpu.Workers);
    }
}
