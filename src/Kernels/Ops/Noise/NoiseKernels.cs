using DpSynth.Kernels.Random;
using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// The <see cref="GaussianStream"/> on the device, bit for bit: one thread per ChaCha20 block computes
/// the block and writes its 16 normals to their chunk-lane positions (element 256·c + 16·s + l for slot
/// s of lane l), skipping positions outside [offset, offset + length) — which handles a start inside a
/// chunk and a partial tail. The arithmetic is the spec's, operation for operation (integer ops, exact
/// conversions, correctly rounded FMAs, IEEE div/sqrt, in the same order): see <see cref="DeviceGaussian"/>
/// and <see cref="ExactFma"/>. Never compile this with fast math.
/// </summary>
internal static class NoiseKernels
{
    /// <summary>x[j] = fma(σ, z_{offset + j}, x[j]) for j &lt; length.</summary>
    public static void AddGaussian(ArrayView<float> x, NoiseLaunch a)
    {
        for (long b = Grid.IdxX * Group.DimX + Group.IdxX; b < a.BlockCount; b += Grid.DimX * Group.DimX)
        {
            ulong chunk = a.FirstChunk + (ulong)(b / GaussianStream.Lanes);
            ulong lane = (ulong)(b % GaussianStream.Lanes);
            ulong block = chunk * GaussianStream.Lanes + lane;
            var w = KeystreamBlock(a, block);
            // A radius word below 256 (probability 2⁻²⁴ per pair) needs the extension block; compute it
            // once per thread, only when some pair needs it.
            var ext = default(BlockWords);
            if (w.W0 < 256 || w.W2 < 256 || w.W4 < 256 || w.W6 < 256 || w.W8 < 256 || w.W10 < 256 || w.W12 < 256 || w.W14 < 256)
                ext = KeystreamBlock(a, GaussianStream.ExtensionBlockBase + block);
            ulong laneElement = chunk * GaussianStream.ChunkElements + lane;
            StorePair(x, a, laneElement, 0, w.W0, w.W1, ext.W0);
            StorePair(x, a, laneElement, 2, w.W2, w.W3, ext.W2);
            StorePair(x, a, laneElement, 4, w.W4, w.W5, ext.W4);
            StorePair(x, a, laneElement, 6, w.W6, w.W7, ext.W6);
            StorePair(x, a, laneElement, 8, w.W8, w.W9, ext.W8);
            StorePair(x, a, laneElement, 10, w.W10, w.W11, ext.W10);
            StorePair(x, a, laneElement, 12, w.W12, w.W13, ext.W12);
            StorePair(x, a, laneElement, 14, w.W14, w.W15, ext.W14);
        }
    }

    /// <summary>
    /// Slots <paramref name="slot"/> (r·cos θ) and slot + 1 (r·sin θ) of one pair: radius word
    /// <paramref name="radiusWord"/>, angle word <paramref name="angleWord"/>, and the pair's word of the
    /// extension block for the far tail.
    /// </summary>
    private static void StorePair(ArrayView<float> x, NoiseLaunch a, ulong laneElement, int slot, uint radiusWord, uint angleWord, uint extensionWord)
    {
        float r = radiusWord >= 256 ? DeviceGaussian.Radius(radiusWord) : DeviceGaussian.TailRadius(radiusWord, extensionWord);
        uint quadrant = angleWord >> 30;
        float phi = (float)((angleWord >> 8) & 0x3FFFFF) * GaussianStream.HalfPiOver2Pow22;
        float c = DeviceGaussian.CosPoly(phi), s = DeviceGaussian.SinPoly(phi);
        // Rotate by the quadrant: negation and swapping are exact, as in GaussianStream.CosSin.
        float cos = quadrant == 0 ? c : quadrant == 1 ? -s : quadrant == 2 ? -c : s;
        float sin = quadrant == 0 ? s : quadrant == 1 ? c : quadrant == 2 ? -s : -c;
        Store(x, a, laneElement + (ulong)(slot * GaussianStream.Lanes), r * cos);
        Store(x, a, laneElement + (ulong)((slot + 1) * GaussianStream.Lanes), r * sin);
    }

    private static void Store(ArrayView<float> x, NoiseLaunch a, ulong element, float z)
    {
        if (element < a.Offset || element - a.Offset >= (ulong)a.Length) return;
        int j = (int)(element - a.Offset);
        x[j] = ExactFma.Fma(a.Sigma, z, x[j]);
    }

    /// <summary>The RFC 8439 block function on DpSynth's state (constants, key, 64-bit counter, 64-bit stream id).</summary>
    private static BlockWords KeystreamBlock(NoiseLaunch a, ulong block)
    {
        uint x0 = ChaCha20.C0, x1 = ChaCha20.C1, x2 = ChaCha20.C2, x3 = ChaCha20.C3;
        uint x4 = a.K0, x5 = a.K1, x6 = a.K2, x7 = a.K3, x8 = a.K4, x9 = a.K5, x10 = a.K6, x11 = a.K7;
        uint x12 = (uint)block, x13 = (uint)(block >> 32), x14 = (uint)a.StreamId, x15 = (uint)(a.StreamId >> 32);
        for (int round = 0; round < 10; round++)
        {
            // Column quarter rounds, then diagonal ones; each line is one quarter round.
            x0 += x4; x12 = Rotl(x12 ^ x0, 16); x8 += x12; x4 = Rotl(x4 ^ x8, 12); x0 += x4; x12 = Rotl(x12 ^ x0, 8); x8 += x12; x4 = Rotl(x4 ^ x8, 7);
            x1 += x5; x13 = Rotl(x13 ^ x1, 16); x9 += x13; x5 = Rotl(x5 ^ x9, 12); x1 += x5; x13 = Rotl(x13 ^ x1, 8); x9 += x13; x5 = Rotl(x5 ^ x9, 7);
            x2 += x6; x14 = Rotl(x14 ^ x2, 16); x10 += x14; x6 = Rotl(x6 ^ x10, 12); x2 += x6; x14 = Rotl(x14 ^ x2, 8); x10 += x14; x6 = Rotl(x6 ^ x10, 7);
            x3 += x7; x15 = Rotl(x15 ^ x3, 16); x11 += x15; x7 = Rotl(x7 ^ x11, 12); x3 += x7; x15 = Rotl(x15 ^ x3, 8); x11 += x15; x7 = Rotl(x7 ^ x11, 7);
            x0 += x5; x15 = Rotl(x15 ^ x0, 16); x10 += x15; x5 = Rotl(x5 ^ x10, 12); x0 += x5; x15 = Rotl(x15 ^ x0, 8); x10 += x15; x5 = Rotl(x5 ^ x10, 7);
            x1 += x6; x12 = Rotl(x12 ^ x1, 16); x11 += x12; x6 = Rotl(x6 ^ x11, 12); x1 += x6; x12 = Rotl(x12 ^ x1, 8); x11 += x12; x6 = Rotl(x6 ^ x11, 7);
            x2 += x7; x13 = Rotl(x13 ^ x2, 16); x8 += x13; x7 = Rotl(x7 ^ x8, 12); x2 += x7; x13 = Rotl(x13 ^ x2, 8); x8 += x13; x7 = Rotl(x7 ^ x8, 7);
            x3 += x4; x14 = Rotl(x14 ^ x3, 16); x9 += x14; x4 = Rotl(x4 ^ x9, 12); x3 += x4; x14 = Rotl(x14 ^ x3, 8); x9 += x14; x4 = Rotl(x4 ^ x9, 7);
        }
        return new BlockWords
        {
            W0 = x0 + ChaCha20.C0, W1 = x1 + ChaCha20.C1, W2 = x2 + ChaCha20.C2, W3 = x3 + ChaCha20.C3,
            W4 = x4 + a.K0, W5 = x5 + a.K1, W6 = x6 + a.K2, W7 = x7 + a.K3,
            W8 = x8 + a.K4, W9 = x9 + a.K5, W10 = x10 + a.K6, W11 = x11 + a.K7,
            W12 = x12 + (uint)block, W13 = x13 + (uint)(block >> 32), W14 = x14 + (uint)a.StreamId, W15 = x15 + (uint)(a.StreamId >> 32),
        };
    }

    private static uint Rotl(uint v, int c) => (v << c) | (v >> (32 - c));
}

/// <summary>The 16 output words of one ChaCha20 block.</summary>
internal struct BlockWords
{
    public uint W0, W1, W2, W3, W4, W5, W6, W7, W8, W9, W10, W11, W12, W13, W14, W15;
}

/// <summary>Arguments of <see cref="NoiseKernels.AddGaussian"/>: the key, the element range and the blocks covering it.</summary>
internal struct NoiseLaunch
{
    public uint K0, K1, K2, K3, K4, K5, K6, K7;
    public ulong StreamId, Offset, FirstChunk;
    public long BlockCount;
    public int Length;
    public float Sigma;
}
