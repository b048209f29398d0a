namespace DpSynth.Kernels.Random;

/// <summary>Vectorised <see cref="GaussianStream"/> (placeholder: scalar until the vector path lands).</summary>
internal static class GaussianStreamVector
{
    public static void Add(NoiseKey key, ulong offset, float sigma, Span<float> x)
        => GaussianStream.AddScalar(key, offset, sigma, x);
}
