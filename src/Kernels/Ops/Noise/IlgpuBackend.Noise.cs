using DpSynth.Kernels.Gpu.Kernels;
using DpSynth.Kernels.Random;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, NoiseLaunch>? _noise;

    /// <inheritdoc />
    public void AddGaussianNoise(Tensor x, float sigma, NoiseKey key, ulong offset)
    {
        ArgumentNullException.ThrowIfNull(key);
        ShapeCheck.Owned(this, nameof(AddGaussianNoise), x);
        if (x.Length == 0) return;
        ulong last = checked(offset + (ulong)x.Length - 1);
        ulong firstChunk = offset / GaussianStream.ChunkElements, lastChunk = last / GaussianStream.ChunkElements;
        var words = key.Words;
        var launch = new NoiseLaunch
        {
            K0 = words[0], K1 = words[1], K2 = words[2], K3 = words[3], K4 = words[4], K5 = words[5], K6 = words[6], K7 = words[7],
            StreamId = key.StreamId, Offset = offset, FirstChunk = firstChunk,
            BlockCount = (long)(lastChunk - firstChunk + 1) * GaussianStream.Lanes,
            Length = x.Length, Sigma = sigma,
        };
        _noise ??= _accelerator.LoadStreamKernel<ArrayView<float>, NoiseLaunch>(NoiseKernels.AddGaussian);
        _noise(Spread(launch.BlockCount), View(x), launch);
    }
}
