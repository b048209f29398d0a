using DpSynth.Kernels.Random;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// Twins mode's privacy mechanism: z = μ(x) + σ·ξ with ξ ~ N(0, I) from the release stream. With
/// ‖μ(x) − μ(x′)‖ ≤ Δ (the certified encoder's sensitivity) one release is (Δ/σ)-GDP; everything
/// after it is post-processing. One function, so the sampler and the mechanism audit run the same code.
/// </summary>
internal static class LatentRelease
{
    /// <summary>Writes z = mean + σ·ξ into <paramref name="released"/>, ξ drawn at <paramref name="offset"/> of <paramref name="releaseKey"/>'s stream.</summary>
    /// <param name="mean">The certified encoder mean μ(x).</param>
    /// <param name="sigma">The latent noise σ.</param>
    /// <param name="releaseKey">The release stream (<see cref="NoiseStreams.LvaeRelease"/> of the sample's key).</param>
    /// <param name="offset">First draw of the stream: distinct per released twin.</param>
    /// <param name="xi">Scratch of the latent width for the standard normal draws.</param>
    /// <param name="released">The mechanism's output, of the latent width.</param>
    public static void Release(ReadOnlySpan<double> mean, double sigma, NoiseKey releaseKey, ulong offset, Span<float> xi, Span<double> released)
    {
        GaussianStream.Fill(releaseKey, offset, xi);
        for (int j = 0; j < mean.Length; j++) released[j] = mean[j] + sigma * xi[j];
    }
}
