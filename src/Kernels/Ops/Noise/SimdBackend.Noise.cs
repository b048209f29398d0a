using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Simd;

public sealed partial class SimdBackend
{
    /// <inheritdoc />
    public void AddGaussianNoise(Tensor x, float sigma, NoiseKey key, ulong offset)
        => GaussianStream.Add(key, offset, sigma, HostStorage.SpanOf(x));
}
