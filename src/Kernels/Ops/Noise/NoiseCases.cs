using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of AddGaussianNoise: bit-for-bit the scalar ChaCha20 Gaussian stream on every
/// backend — aligned and unaligned starts, partial chunks at both ends, a far offset, another stream
/// id, σ = 0, the rare far-tail radius, and the reference network's gradient and batch.
/// </summary>
internal static class NoiseCases
{
    /// <summary>The key every row draws from.</summary>
    public static NoiseKey Key { get; } = NoiseKey.FromSeed(20261123);

    /// <summary>Block 3942520 of <see cref="Key"/>'s stream 0 has radius word 200 in pair 0, which needs the extension block (found by search).</summary>
    public const ulong TailBlock = 3942520;

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        (ulong Offset, int Length)[] tiny = [(0, 1), (0, 159), (0, 161), (0, 1000), (5, 1), (37, 159), (250, 161), (255, 257), (513, 1000), ((1UL << 40) + 3, 161)];
        foreach (var (offset, length) in tiny) yield return Noise(length, offset, 0.75f, Key, "", CaseTier.Tiny);
        ulong chunkStart = TailBlock / GaussianStream.Lanes * GaussianStream.ChunkElements;
        yield return Noise(GaussianStream.ChunkElements + 6, chunkStart - 3, 1f, Key, "far-tail", CaseTier.Tiny);
        yield return Noise(300, 77, 2.5f, Key.WithStream(0xDEADBEEF12345678), "stream=0xDEADBEEF12345678", CaseTier.Tiny);
        yield return Noise(40, 0, 0f, Key, "", CaseTier.Tiny);
        yield return Noise(100_003, (1UL << 40) + 3, 0.75f, Key, "", CaseTier.Awkward);
        // DP-SGD's noise on the summed gradient, and the diffusion forward process on a batch.
        yield return Noise(CaseShapes.ParameterCount, 0, 1f, Key, "gradient", CaseTier.Network);
        foreach (int batch in CaseShapes.Batches)
            yield return Noise(batch * CaseShapes.Features, 0, 1f, Key, $"batch {CaseShapes.Text(batch, CaseShapes.Features)}", CaseShapes.NetworkTier(batch));
    }

    private static KernelCase Noise(int length, ulong offset, float sigma, NoiseKey key, string what, CaseTier tier)
        => new("noise", "AddGaussianNoise", CaseShapes.Text(1, length), $"offset={offset} sigma={sigma}{(what.Length > 0 ? " " + what : "")}",
            tier, CaseTolerance.Bitwise, length,
            // Nominal: a log, a square root, a sine or cosine and the scaling per element; ChaCha20's integer rounds are not counted.
            n => new(6.0 * n, 8.0 * n), (b, n) =>
            {
                var x = b.Random(1, n, -0.5f, 0.5f);
                return new CaseRun(() => b.Backend.AddGaussianNoise(x, sigma, key, offset), new CaseOutput("x", x));
            });
}
