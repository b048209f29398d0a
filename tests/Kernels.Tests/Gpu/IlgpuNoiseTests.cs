using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>
/// The device noise kernel reproduces <see cref="GaussianStream.AddScalar"/> bit for bit: aligned and
/// unaligned starts, partial chunks at both ends, several chunks, a far offset, and the rare far-tail
/// radius that needs the extension block.
/// </summary>
[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuNoiseTests
{
    private static readonly NoiseKey Key = NoiseKey.FromSeed(20261123);

    /// <summary>Block 3942520 of <see cref="Key"/>'s stream 0 has radius word 200 in pair 0 (found by search).</summary>
    private const ulong TailBlock = 3942520;

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(0UL, 159)]
    [InlineData(0UL, 161)]
    [InlineData(0UL, 1000)]
    [InlineData(5UL, 1)]
    [InlineData(37UL, 159)]
    [InlineData(250UL, 161)]
    [InlineData(255UL, 257)]
    [InlineData(513UL, 1000)]
    [InlineData((1UL << 40) + 3, 161)]
    public void NoiseEqualsTheScalarStreamBitForBit(ulong offset, int length)
    {
        using var backend = IlgpuBackend.CreateOnSharedCpuSimulator();
        AssertBitIdentical(backend, Key, offset, length, 0.75f);
    }

    [Fact]
    public void FarTailRadiusUsesTheExtensionBlockLikeTheScalarStream()
    {
        Span<uint> words = stackalloc uint[16];
        ChaCha20.KeystreamBlock(Key, TailBlock, words);
        Assert.True(words[0] < 256, "the chosen block no longer exercises the tail radius");
        ulong chunkStart = TailBlock / GaussianStream.Lanes * GaussianStream.ChunkElements;
        using var backend = IlgpuBackend.CreateOnSharedCpuSimulator();
        AssertBitIdentical(backend, Key, chunkStart - 3, GaussianStream.ChunkElements + 6, 1f);
    }

    [Fact]
    public void OtherStreamIdsAndSigmaZeroAreReproducedToo()
    {
        using var backend = IlgpuBackend.CreateOnSharedCpuSimulator();
        AssertBitIdentical(backend, Key.WithStream(0xDEADBEEF12345678), 77, 300, 2.5f);
        AssertBitIdentical(backend, Key, 0, 40, 0f);
    }

    /// <summary>Adds noise to the same random start on the device and with the scalar definition; compares bits.</summary>
    internal static void AssertBitIdentical(IComputeBackend backend, NoiseKey key, ulong offset, int length, float sigma)
    {
        var rng = new System.Random(length * 31 + (int)(offset % 1000));
        var start = new float[length];
        for (int i = 0; i < length; i++) start[i] = (float)rng.NextDouble() - 0.5f;
        var expected = (float[])start.Clone();
        GaussianStream.AddScalar(key, offset, sigma, expected);

        using var storage = backend.Allocate(1, length).Storage;
        var x = storage.View(1, length);
        backend.Upload(start, x);
        backend.AddGaussianNoise(x, sigma, key, offset);
        var actual = new float[length];
        backend.Download(x, actual);
        for (int i = 0; i < length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{backend.Name} noise at offset {offset}, length {length}: element {i} is {actual[i]:R}, scalar stream gives {expected[i]:R}");
    }
}
