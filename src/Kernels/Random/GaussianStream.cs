using System.Runtime.CompilerServices;

namespace DpSynth.Kernels.Random;

/// <summary>
/// The counter-addressed standard-normal stream z_0, z_1, … of a <see cref="NoiseKey"/>. Every
/// backend must produce it bit for bit, so its definition uses only operations that IEEE 754
/// rounds identically everywhere: integer ops, exact int→float conversions, explicit fused
/// multiply-adds, division and square root. No library log/sin/cos (their last bits differ
/// between CPUs, GPUs and vector widths), and no a·b + c left for a compiler to contract.
///
/// <para><b>Layout.</b> Elements come in chunks of 256 = 16 slots × 16 lanes. Element e lies in
/// chunk c = e / 256; with j = e mod 256, slot s = j / 16 and lane l = j mod 16, it comes from
/// ChaCha20 block 16·c + l. Lane-major order lets a 16-wide vector unit compute 16 blocks side by
/// side and store each slot contiguously, and lets a GPU thread per block write coalesced.</para>
///
/// <para><b>Box–Muller.</b> Slot s of a block uses pair p = s / 2: word a = w[2p] for the radius,
/// word b = w[2p+1] for the angle; even slots take r·cos θ, odd slots r·sin θ. One keystream word
/// per normal is what keeps ChaCha20 under a nanosecond per float.</para>
///
/// <para><b>Radius.</b> u1 = (a + ½)·2⁻³² when a ≥ 256, which is finer than a float near u1 can
/// resolve anyway. The far tail needs more bits: when a &lt; 256 (probability 2⁻²⁴), u1 =
/// (a + (e + ½)·2⁻³²)·2⁻³² with e = word 2p of the extension block 2⁶³ + b (block counters of
/// ordinary blocks stay below 2⁶³). So u1 ∈ [2⁻⁶⁵, 1] and r = √(−2 ln u1) ≤ 9.49: the pair is a
/// Gaussian truncated at 9.49σ, within total variation 2⁻⁶⁵ ≈ 3·10⁻²⁰ of the exact one per pair —
/// negligible beside any δ DpSynth accepts, even over 10¹² draws.</para>
///
/// <para><b>Angle.</b> The top 24 bits of b: quadrant = top 2 bits, φ = (next 22 bits)·(π/2)·2⁻²².</para>
/// </summary>
public static class GaussianStream
{
    /// <summary>Elements per chunk: 16 normals from each of 16 blocks.</summary>
    public const int ChunkElements = 256;

    /// <summary>Blocks per chunk (the lane count).</summary>
    public const int Lanes = 16;

    /// <summary>Normals taken from one block.</summary>
    public const int SlotsPerBlock = 16;

    /// <summary>Offset of the extension blocks that refine a radius word below 256.</summary>
    public const ulong ExtensionBlockBase = 1UL << 63;

    /// <summary>x[j] = fma(σ, z_{offset+j}, x[j]) — the vectorised path.</summary>
    public static void Add(NoiseKey key, ulong offset, float sigma, Span<float> x)
        => GaussianStreamVector.Add(key, offset, sigma, x);

    /// <summary>x[j] = z_{offset+j}.</summary>
    public static void Fill(NoiseKey key, ulong offset, Span<float> x)
    {
        x.Clear();
        Add(key, offset, 1f, x);
    }

    /// <summary>The scalar definition of <see cref="Add"/>, a chunk's 16 blocks at a time.</summary>
    public static void AddScalar(NoiseKey key, ulong offset, float sigma, Span<float> x)
    {
        Span<uint> words = stackalloc uint[Lanes * 16];
        ulong cachedChunk = ulong.MaxValue;
        for (int j = 0; j < x.Length; j++)
        {
            ulong e = offset + (ulong)j;
            ulong chunk = e / ChunkElements;
            int within = (int)(e % ChunkElements), lane = within % Lanes, slot = within / Lanes;
            if (chunk != cachedChunk)
            {
                for (int l = 0; l < Lanes; l++)
                    ChaCha20.KeystreamBlock(key, chunk * Lanes + (ulong)l, words.Slice(l * 16, 16));
                cachedChunk = chunk;
            }
            float z = Normal(key, chunk * Lanes + (ulong)lane, words.Slice(lane * 16, 16), slot);
            x[j] = MathF.FusedMultiplyAdd(sigma, z, x[j]);
        }
    }

    /// <summary>The normal of slot <paramref name="slot"/> (0..15) of keystream block <paramref name="block"/>.</summary>
    public static float Normal(NoiseKey key, ulong block, ReadOnlySpan<uint> words, int slot)
    {
        int p = slot >> 1;
        uint a = words[2 * p];
        float r = a >= 256 ? Radius(a) : TailRadius(key, block, p, a);
        var (c, s) = CosSin(words[2 * p + 1]);
        return r * ((slot & 1) == 0 ? c : s);
    }

    /// <summary>r for a radius word a ≥ 256: u1 = (a + ½)·2⁻³².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Radius(uint a)
    {
        float u = MathF.FusedMultiplyAdd(a & 0xFF, Exp2M32, Exp2M33);
        u = MathF.FusedMultiplyAdd(a >> 8, Exp2M24, u);
        return MathF.Sqrt(-2f * Log(u));
    }

    /// <summary>r for a radius word a &lt; 256, refined by the extension block (see the class remarks).</summary>
    public static float TailRadius(NoiseKey key, ulong block, int pair, uint a)
    {
        Span<uint> ext = stackalloc uint[16];
        ChaCha20.KeystreamBlock(key, ExtensionBlockBase + block, ext);
        uint e = ext[2 * pair];
        float u = MathF.FusedMultiplyAdd(e & 0xFF, Exp2M64, Exp2M65);
        u = MathF.FusedMultiplyAdd(e >> 8, Exp2M56, u);
        u = MathF.FusedMultiplyAdd(a, Exp2M32, u);
        return MathF.Sqrt(-2f * Log(u));
    }

    /// <summary>(cos θ, sin θ) for θ = 2π·(w≫8)·2⁻²⁴.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Cos, float Sin) CosSin(uint w)
    {
        uint quadrant = w >> 30;
        float phi = (float)((w >> 8) & 0x3FFFFF) * HalfPiOver2Pow22;
        float c = CosPoly(phi), s = SinPoly(phi);
        return quadrant switch
        {
            0 => (c, s),
            1 => (-s, c),
            2 => (-c, -s),
            _ => (s, -c),
        };
    }

    /// <summary>
    /// Natural log for u ∈ [2⁻⁶⁵, 1]: u = 2^k·m with m ∈ [√½, √2); ln m = 2·atanh(f/(2+f)), f = m − 1,
    /// as an odd series in s = f/(2+f) (|s| ≤ 0.172, so five terms reach float precision).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float u)
    {
        int bits = BitConverter.SingleToInt32Bits(u);
        // Re-bias so the mantissa lands in [√½, √2): adding (1 − √½)'s offset to the bit pattern
        // carries into the exponent exactly when m ≥ √2 — integer-only, so identical everywhere.
        int shifted = bits - 0x3F3504F3;
        int k = shifted >> 23;
        float m = BitConverter.Int32BitsToSingle((shifted & 0x007FFFFF) + 0x3F3504F3);
        float f = m - 1f;
        float s = f / (2f + f);
        float s2 = s * s;
        float p = MathF.FusedMultiplyAdd(s2, L9, L7);
        p = MathF.FusedMultiplyAdd(s2, p, L5);
        p = MathF.FusedMultiplyAdd(s2, p, L3);
        p = MathF.FusedMultiplyAdd(s2, p, L1);
        float lnm = s * p;
        return MathF.FusedMultiplyAdd(k, Ln2, lnm);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SinPoly(float x)
    {
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, S13, S11);
        p = MathF.FusedMultiplyAdd(x2, p, S9);
        p = MathF.FusedMultiplyAdd(x2, p, S7);
        p = MathF.FusedMultiplyAdd(x2, p, S5);
        p = MathF.FusedMultiplyAdd(x2, p, S3);
        return MathF.FusedMultiplyAdd(x * x2, p, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float CosPoly(float x)
    {
        float x2 = x * x;
        float p = MathF.FusedMultiplyAdd(x2, C14, C12);
        p = MathF.FusedMultiplyAdd(x2, p, C10);
        p = MathF.FusedMultiplyAdd(x2, p, C8);
        p = MathF.FusedMultiplyAdd(x2, p, C6);
        p = MathF.FusedMultiplyAdd(x2, p, C4);
        p = MathF.FusedMultiplyAdd(x2, p, C2);
        return MathF.FusedMultiplyAdd(x2, p, 1f);
    }

    // Exact powers of two (decimal literals of 2^-n round to exactly 2^-n).
    internal const float Exp2M24 = 5.9604644775390625e-8f, Exp2M32 = 2.3283064365386962890625e-10f,
        Exp2M33 = 1.16415321826934814453125e-10f, Exp2M56 = 1.387778780781445675529539585113525390625e-17f,
        Exp2M64 = 5.42101086242752217003726400434970855712890625e-20f,
        Exp2M65 = 2.710505431213761085018632002174854278564453125e-20f;
    internal const float HalfPiOver2Pow22 = (float)(Math.PI / 2 / 4194304.0);
    internal const float Ln2 = 0.693147180559945309f;
    // 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + 2s⁷/7 + 2s⁹/9, as s·(L1 + s²·(L3 + …)).
    internal const float L1 = 2f, L3 = 2f / 3f, L5 = 2f / 5f, L7 = 2f / 7f, L9 = 2f / 9f;
    // Taylor coefficients of sin and cos, accurate to float precision on [0, π/2).
    internal const float S3 = (float)(-1.0 / 6), S5 = (float)(1.0 / 120), S7 = (float)(-1.0 / 5040),
        S9 = (float)(1.0 / 362880), S11 = (float)(-1.0 / 39916800), S13 = (float)(1.0 / 6227020800);
    internal const float C2 = -0.5f, C4 = (float)(1.0 / 24), C6 = (float)(-1.0 / 720), C8 = (float)(1.0 / 40320),
        C10 = (float)(-1.0 / 3628800), C12 = (float)(1.0 / 479001600), C14 = (float)(-1.0 / 87178291200);
}
