using System.Runtime.CompilerServices;

namespace DpSynth.Kernels.Random;

/// <summary>
/// The counter-addressed standard-normal stream z_0, z_1, … of a <see cref="NoiseKey"/>. Every
/// backend must produce it bit for bit, so its definition uses only operations that IEEE 754
/// rounds identically everywhere: integer ops, exact int→float conversions, explicit fused
/// multiply-adds, division and square root. No library log/sin/cos (their last bits differ
/// between CPUs, GPUs and vector widths), and no a·b + c left for a compiler to contract.
///
/// <para><b>Layout.</b> Elements come in chunks of 160 = 10 slots × 16 lanes. Element e lies in
/// chunk c = e / 160; with j = e mod 160, slot s = j / 16 and lane l = j mod 16, it comes from
/// ChaCha20 block 16·c + l. Lane-major order lets a 16-wide vector unit compute 16 blocks side by
/// side and store each slot contiguously, and lets a GPU thread per block write coalesced.</para>
///
/// <para><b>Box–Muller.</b> Of a block's 16 words w, pair p = s / 2 (0..4) uses w[3p], w[3p+1],
/// w[3p+2]; word 15 is discarded. u1 = fma(w0≫8, 2⁻²⁴, fma(w1≫16, 2⁻⁴⁰, fma(w1 &amp; 0xFFFF, 2⁻⁵⁶, 2⁻⁵⁷)))
/// clamped to ≤ 1, so u1 ∈ [2⁻⁵⁷, 1] and r = √(−2 ln u1) ≤ 8.89: the stream is a Gaussian truncated
/// at 8.89σ, whose missing tail mass (≈ 6·10⁻¹⁹ per draw) is far below any δ DpSynth accepts.
/// The angle uses the top 24 bits of w2: quadrant = top 2 bits, φ = (next 22 bits)·(π/2)·2⁻²²;
/// even slots take r·cos θ, odd slots r·sin θ.</para>
/// </summary>
public static class GaussianStream
{
    /// <summary>Elements per chunk: 10 normals from each of 16 blocks.</summary>
    public const int ChunkElements = 160;

    /// <summary>Blocks per chunk (the lane count).</summary>
    public const int Lanes = 16;

    /// <summary>Normals taken from one block.</summary>
    public const int SlotsPerBlock = 10;

    /// <summary>x[j] = fma(σ, z_{offset+j}, x[j]) — the vectorised path.</summary>
    public static void Add(NoiseKey key, ulong offset, float sigma, Span<float> x)
        => GaussianStreamVector.Add(key, offset, sigma, x);

    /// <summary>x[j] = z_{offset+j}.</summary>
    public static void Fill(NoiseKey key, ulong offset, Span<float> x)
    {
        x.Clear();
        Add(key, offset, 1f, x);
    }

    /// <summary>The scalar definition of <see cref="Add"/>: one block per group of needed elements.</summary>
    public static void AddScalar(NoiseKey key, ulong offset, float sigma, Span<float> x)
    {
        Span<uint> words = stackalloc uint[16];
        ulong cachedBlock = ulong.MaxValue;
        for (int j = 0; j < x.Length; j++)
        {
            ulong e = offset + (ulong)j;
            var (block, slot) = Locate(e);
            if (block != cachedBlock)
            {
                ChaCha20.KeystreamBlock(key, block, words);
                cachedBlock = block;
            }
            x[j] = MathF.FusedMultiplyAdd(sigma, Normal(words, slot), x[j]);
        }
    }

    /// <summary>The block and slot element <paramref name="e"/> comes from.</summary>
    public static (ulong Block, int Slot) Locate(ulong e)
    {
        ulong chunk = e / ChunkElements;
        int j = (int)(e % ChunkElements);
        return (chunk * Lanes + (ulong)(j % Lanes), j / Lanes);
    }

    /// <summary>The normal of slot <paramref name="slot"/> (0..9) of a keystream block.</summary>
    public static float Normal(ReadOnlySpan<uint> words, int slot)
    {
        int p = slot >> 1;
        var (c, s) = CosSin(words[3 * p + 2]);
        float r = Radius(words[3 * p], words[3 * p + 1]);
        return r * ((slot & 1) == 0 ? c : s);
    }

    /// <summary>r = √(−2 ln u1) with u1 built from two words as described on the class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Radius(uint w0, uint w1)
    {
        float u = MathF.FusedMultiplyAdd(w1 & 0xFFFF, Exp2M56, Exp2M57);
        u = MathF.FusedMultiplyAdd(w1 >> 16, Exp2M40, u);
        u = MathF.FusedMultiplyAdd(w0 >> 8, Exp2M24, u);
        u = MathF.Min(u, 1f);
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
    /// Natural log for u ∈ [2⁻⁵⁷, 1]: u = 2^k·m with m ∈ [√½, √2); ln m = 2·atanh(f/(2+f)), f = m − 1,
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

    internal const float Exp2M24 = 5.9604644775390625e-8f;          // 2^-24
    internal const float Exp2M40 = 9.094947017729282379150390625e-13f; // 2^-40
    internal const float Exp2M56 = 1.387778780781445675529539585113525390625e-17f; // 2^-56
    internal const float Exp2M57 = 6.938893903907228377647697925567626953125e-18f; // 2^-57
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
