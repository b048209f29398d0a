using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DpSynth.Kernels.Random;

/// <summary>
/// <see cref="GaussianStream"/> sixteen blocks at a time: lane l of every vector is ChaCha20 block
/// 16·c + l of chunk c, which is exactly the stream's lane-major layout, so each Box–Muller slot is
/// one contiguous 16-float store. Every float operation mirrors the scalar definition one for one,
/// so the result is bit-identical to <see cref="GaussianStream.AddScalar"/>.
/// Needs AVX-512; elsewhere (and for partial chunks at the ends) the scalar path runs.
/// </summary>
internal static class GaussianStreamVector
{
    // Hot loops: skip tier-0 so short runs do not measure (or suffer) the unoptimised JIT.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(NoiseKey key, ulong offset, float sigma, Span<float> x)
    {
        if (!Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            GaussianStream.AddScalar(key, offset, sigma, x);
            return;
        }
        const int chunk = GaussianStream.ChunkElements;
        int head = (int)Math.Min((ulong)x.Length, (chunk - offset % chunk) % chunk);
        Span<Vector512<uint>> state = stackalloc Vector512<uint>[16];
        Span<Vector512<uint>> words = stackalloc Vector512<uint>[16];
        InitState(key, state);
        if (head > 0) AddPartial(key, state, words, offset / chunk, (int)(offset % chunk), sigma, x[..head]);
        int full = (x.Length - head) / chunk;
        ulong firstChunk = (offset + (ulong)head) / chunk;
        for (int i = 0; i < full; i++)
            AddChunk(key, state, words, firstChunk + (ulong)i, sigma, x.Slice(head + i * chunk, chunk));
        int done = head + full * chunk;
        if (done < x.Length) AddPartial(key, state, words, firstChunk + (ulong)full, 0, sigma, x[done..]);
    }

    /// <summary>
    /// Part of a chunk: the whole chunk's normals are made with the vector path (σ = 1 onto zeros
    /// gives z exactly), then the wanted ones are added with the same fma as the scalar definition,
    /// so that unaligned offsets cost one chunk rather than a scalar pass.
    /// </summary>
    private static void AddPartial(NoiseKey key, Span<Vector512<uint>> state, Span<Vector512<uint>> words, ulong chunkIndex, int from, float sigma, Span<float> x)
    {
        Span<float> normals = stackalloc float[GaussianStream.ChunkElements];
        normals.Clear();
        AddChunk(key, state, words, chunkIndex, 1f, normals);
        for (int j = 0; j < x.Length; j++) x[j] = MathF.FusedMultiplyAdd(sigma, normals[from + j], x[j]);
    }

    private static void InitState(NoiseKey key, Span<Vector512<uint>> state)
    {
        state[0] = Vector512.Create(ChaCha20.C0);
        state[1] = Vector512.Create(ChaCha20.C1);
        state[2] = Vector512.Create(ChaCha20.C2);
        state[3] = Vector512.Create(ChaCha20.C3);
        for (int i = 0; i < 8; i++) state[4 + i] = Vector512.Create(key.Words[i]);
        state[14] = Vector512.Create((uint)key.StreamId);
        state[15] = Vector512.Create((uint)(key.StreamId >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddChunk(NoiseKey key, Span<Vector512<uint>> state, Span<Vector512<uint>> w, ulong chunkIndex, float sigma, Span<float> x)
    {
        ulong firstBlock = chunkIndex * GaussianStream.Lanes;
        // firstBlock is a multiple of 16, so adding a lane index never carries into the high word.
        state[12] = Vector512.Create((uint)firstBlock) + Vector512<uint>.Indices;
        state[13] = Vector512.Create((uint)(firstBlock >> 32));
        Block(state, w);
        var s = Vector512.Create(sigma);
        ref float dst = ref x[0];
        for (int p = 0; p < 8; p++)
        {
            var a = w[2 * p];
            var r = Radius(a);
            // Radius words below 256 (probability 2^-24 per lane) take the scalar tail path.
            if (Vector512.LessThanAny(a, Vector512.Create(256u)))
                r = PatchTailLanes(key, firstBlock, p, a, r);
            var (cos, sin) = CosSin(w[2 * p + 1]);
            Accumulate(ref dst, (2 * p) * 16, s, r * cos);
            Accumulate(ref dst, (2 * p + 1) * 16, s, r * sin);
        }
    }

    private static Vector512<float> PatchTailLanes(NoiseKey key, ulong firstBlock, int pair, Vector512<uint> a, Vector512<float> r)
    {
        Span<float> lanes = stackalloc float[16];
        r.CopyTo(lanes);
        for (int l = 0; l < 16; l++)
            if (a[l] < 256) lanes[l] = GaussianStream.TailRadius(key, firstBlock + (ulong)l, pair, a[l]);
        return Vector512.Create<float>(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref float dst, int at, Vector512<float> sigma, Vector512<float> z)
    {
        var old = Vector512.LoadUnsafe(ref dst, (nuint)at);
        Vector512.FusedMultiplyAdd(sigma, z, old).StoreUnsafe(ref dst, (nuint)at);
    }

    // Sixteen locals rather than a span: the quarter-round chains must stay in zmm registers
    // (AVX-512 has 32); a stack round-trip per step costs a store-forwarding stall each time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(ReadOnlySpan<Vector512<uint>> input, Span<Vector512<uint>> output)
    {
        Vector512<uint> x0 = input[0], x1 = input[1], x2 = input[2], x3 = input[3];
        Vector512<uint> x4 = input[4], x5 = input[5], x6 = input[6], x7 = input[7];
        Vector512<uint> x8 = input[8], x9 = input[9], x10 = input[10], x11 = input[11];
        Vector512<uint> x12 = input[12], x13 = input[13], x14 = input[14], x15 = input[15];
        for (int i = 0; i < 10; i++)
        {
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }
        output[0] = x0 + input[0]; output[1] = x1 + input[1]; output[2] = x2 + input[2]; output[3] = x3 + input[3];
        output[4] = x4 + input[4]; output[5] = x5 + input[5]; output[6] = x6 + input[6]; output[7] = x7 + input[7];
        output[8] = x8 + input[8]; output[9] = x9 + input[9]; output[10] = x10 + input[10]; output[11] = x11 + input[11];
        output[12] = x12 + input[12]; output[13] = x13 + input[13]; output[14] = x14 + input[14]; output[15] = x15 + input[15];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuarterRound(ref Vector512<uint> a, ref Vector512<uint> b, ref Vector512<uint> c, ref Vector512<uint> d)
    {
        a += b; d = Avx512F.RotateLeft(d ^ a, 16);
        c += d; b = Avx512F.RotateLeft(b ^ c, 12);
        a += b; d = Avx512F.RotateLeft(d ^ a, 8);
        c += d; b = Avx512F.RotateLeft(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Radius(Vector512<uint> a)
    {
        var u = Vector512.FusedMultiplyAdd(ToFloat(a & Vector512.Create(0xFFu)), Vector512.Create(GaussianStream.Exp2M32), Vector512.Create(GaussianStream.Exp2M33));
        u = Vector512.FusedMultiplyAdd(ToFloat(a >>> 8), Vector512.Create(GaussianStream.Exp2M24), u);
        return Vector512.Sqrt(Vector512.Create(-2f) * Log(u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Log(Vector512<float> u)
    {
        var bits = u.AsInt32() - Vector512.Create(0x3F3504F3);
        var k = Vector512.ConvertToSingle(bits >> 23);
        var m = ((bits & Vector512.Create(0x007FFFFF)) + Vector512.Create(0x3F3504F3)).AsSingle();
        var f = m - Vector512<float>.One;
        var s = f / (Vector512.Create(2f) + f);
        var s2 = s * s;
        var p = Vector512.FusedMultiplyAdd(s2, Vector512.Create(GaussianStream.L9), Vector512.Create(GaussianStream.L7));
        p = Vector512.FusedMultiplyAdd(s2, p, Vector512.Create(GaussianStream.L5));
        p = Vector512.FusedMultiplyAdd(s2, p, Vector512.Create(GaussianStream.L3));
        p = Vector512.FusedMultiplyAdd(s2, p, Vector512.Create(GaussianStream.L1));
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(GaussianStream.Ln2), s * p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Cos, Vector512<float> Sin) CosSin(Vector512<uint> w)
    {
        var quadrant = w >>> 30;
        var phi = ToFloat((w >>> 8) & Vector512.Create(0x3FFFFFu)) * Vector512.Create(GaussianStream.HalfPiOver2Pow22);
        var x2 = phi * phi;
        var ps = Vector512.FusedMultiplyAdd(x2, Vector512.Create(GaussianStream.S13), Vector512.Create(GaussianStream.S11));
        ps = Vector512.FusedMultiplyAdd(x2, ps, Vector512.Create(GaussianStream.S9));
        ps = Vector512.FusedMultiplyAdd(x2, ps, Vector512.Create(GaussianStream.S7));
        ps = Vector512.FusedMultiplyAdd(x2, ps, Vector512.Create(GaussianStream.S5));
        ps = Vector512.FusedMultiplyAdd(x2, ps, Vector512.Create(GaussianStream.S3));
        var sin = Vector512.FusedMultiplyAdd(phi * x2, ps, phi);
        var pc = Vector512.FusedMultiplyAdd(x2, Vector512.Create(GaussianStream.C14), Vector512.Create(GaussianStream.C12));
        pc = Vector512.FusedMultiplyAdd(x2, pc, Vector512.Create(GaussianStream.C10));
        pc = Vector512.FusedMultiplyAdd(x2, pc, Vector512.Create(GaussianStream.C8));
        pc = Vector512.FusedMultiplyAdd(x2, pc, Vector512.Create(GaussianStream.C6));
        pc = Vector512.FusedMultiplyAdd(x2, pc, Vector512.Create(GaussianStream.C4));
        pc = Vector512.FusedMultiplyAdd(x2, pc, Vector512.Create(GaussianStream.C2));
        var cos = Vector512.FusedMultiplyAdd(x2, pc, Vector512<float>.One);
        // Rotate by the quadrant: odd quadrants swap cos and sin; negation (an exact sign flip)
        // hits cos in quadrants 1 and 2 and sin in quadrants 2 and 3.
        var swap = Vector512.Equals(quadrant & Vector512<uint>.One, Vector512<uint>.One).AsSingle();
        var first = Vector512.ConditionalSelect(swap, sin, cos);
        var second = Vector512.ConditionalSelect(swap, cos, sin);
        var signBit = Vector512.Create(0x80000000u);
        var negFirst = Vector512.Equals((quadrant + Vector512<uint>.One) & Vector512.Create(2u), Vector512.Create(2u)) & signBit;
        var negSecond = Vector512.Equals(quadrant & Vector512.Create(2u), Vector512.Create(2u)) & signBit;
        return ((first.AsUInt32() ^ negFirst).AsSingle(), (second.AsUInt32() ^ negSecond).AsSingle());
    }

    // Inputs are below 2^24, so the signed conversion is exact and equals the scalar (float)uint.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ToFloat(Vector512<uint> v) => Vector512.ConvertToSingle(v.AsInt32());
}
