using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void AddGaussianNoise(Tensor x, float sigma, NoiseKey key, ulong offset)
        => GaussianStream.AddScalar(key, offset, sigma, HostStorage.SpanOf(x));
}
