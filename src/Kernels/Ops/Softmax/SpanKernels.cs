using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DpSynth.Kernels.Simd;

/// <summary>
/// Loops over one short column span (a one-hot block: often 2–30 columns) for softmax and
/// cross-entropy. The last partial vector is a masked load or store (AVX-512 k-masks, AVX vmaskmov):
/// masked-off lanes are neither read nor written, so nothing outside the span is touched and no page
/// past a tensor's end can fault, and a span shorter than the vector width costs one vector operation.
/// (Staging the tail through a stack copy instead costs a store-forwarding stall per span, which made
/// the Adult layout's eight spans per row several times slower than the arithmetic.) Callers read
/// their inputs and write their outputs rather than working in place where they can: a vector load
/// that overlaps a masked store still in flight (the previous span's tail) cannot be forwarded from
/// it and waits for the store to retire.
/// Exponent inputs are padded with −∞ so e^pad = 0 adds nothing (see <see cref="VectorMath.Exp(Vector512{float})"/>).
/// </summary>
internal static unsafe class SpanKernels
{
    /// <summary>max_i p[i] (−∞ for an empty span).</summary>
    public static float Max(float* p, int n)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512.Create(float.NegativeInfinity);
            int i = 0;
            for (; i <= n - 16; i += 16) acc = Vector512.Max(acc, Vector512.Load(p + i));
            if (i < n) acc = Vector512.Max(acc, Load(p + i, n - i, float.NegativeInfinity));
            return Max(Vector256.Max(acc.GetLower(), acc.GetUpper()));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            int i = 0;
            for (; i <= n - 8; i += 8) acc = Vector256.Max(acc, Vector256.Load(p + i));
            if (i < n) acc = Vector256.Max(acc, Load256(p + i, n - i, float.NegativeInfinity));
            return Max(acc);
        }
        float max = float.NegativeInfinity;
        for (int i = 0; i < n; i++) max = MathF.Max(max, p[i]);
        return max;
    }

    /// <summary>Σ_i e^{p[i] − shift}; when <paramref name="store"/>, also p[i] = e^{p[i] − shift}.</summary>
    public static float ExpSum(float* p, int n, float shift, bool store)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(shift);
            var acc = Vector512<float>.Zero;
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                var e = VectorMath.Exp(Vector512.Load(p + i) - s);
                if (store) Vector512.Store(e, p + i);
                acc += e;
            }
            if (i < n)
            {
                var e = VectorMath.Exp(Load(p + i, n - i, float.NegativeInfinity) - s);
                if (store) Store(e, p + i, n - i);
                acc += e;
            }
            return Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(shift);
            var acc = Vector256<float>.Zero;
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                var e = VectorMath.Exp(Vector256.Load(p + i) - s);
                if (store) Vector256.Store(e, p + i);
                acc += e;
            }
            if (i < n)
            {
                var e = VectorMath.Exp(Load256(p + i, n - i, float.NegativeInfinity) - s);
                if (store) Store256(e, p + i, n - i);
                acc += e;
            }
            return Vector256.Sum(acc);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++)
        {
            float e = MathF.Exp(p[i] - shift);
            if (store) p[i] = e;
            sum += e;
        }
        return sum;
    }

    /// <summary>y[i] = (x[i] − a) − b, rounded twice as log-softmax's (x − max) − log Σ needs. y may be x.</summary>
    public static void Shift(float* x, float* y, int n, float a, float b)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> va = Vector512.Create(a), vb = Vector512.Create(b);
            int i = 0;
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.Load(x + i) - va - vb, y + i);
            if (i < n) Store(Load(x + i, n - i, 0f) - va - vb, y + i, n - i);
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b);
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(x + i) - va - vb, y + i);
            if (i < n) Store256(Load256(x + i, n - i, 0f) - va - vb, y + i, n - i);
            return;
        }
        for (int i = 0; i < n; i++) y[i] = x[i] - a - b;
    }

    /// <summary>y[i] = k·e^{x[i] − shift} (softmax with k = 1/Σ). y may be x.</summary>
    public static void ScaledExp(float* x, float* y, int n, float shift, float k)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(shift), vk = Vector512.Create(k);
            int i = 0;
            for (; i <= n - 16; i += 16) Vector512.Store(vk * VectorMath.Exp(Vector512.Load(x + i) - s), y + i);
            if (i < n) Store(vk * VectorMath.Exp(Load(x + i, n - i, float.NegativeInfinity) - s), y + i, n - i);
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(shift), vk = Vector256.Create(k);
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256.Store(vk * VectorMath.Exp(Vector256.Load(x + i) - s), y + i);
            if (i < n) Store256(vk * VectorMath.Exp(Load256(x + i, n - i, float.NegativeInfinity) - s), y + i, n - i);
            return;
        }
        for (int i = 0; i < n; i++) y[i] = k * MathF.Exp(x[i] - shift);
    }

    /// <summary>Σ_i p[i].</summary>
    public static float Sum(float* p, int n) => ShiftedDot(null, p, n, 0f);

    /// <summary>Σ_i a[i]·b[i].</summary>
    public static float Dot(float* a, float* b, int n) => ShiftedDot(a, b, n, 0f);

    /// <summary>
    /// Σ_i t[i]·(x[i] − shift), t = null reading as 1. Subtracting before multiplying keeps large logits
    /// from cancelling; padded lanes are t = 0 and x = shift, so they add nothing.
    /// </summary>
    public static float ShiftedDot(float* t, float* x, int n, float shift)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(shift), acc = Vector512<float>.Zero;
            int i = 0;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(t == null ? Vector512<float>.One : Vector512.Load(t + i), Vector512.Load(x + i) - s, acc);
            if (i < n)
                acc = Vector512.FusedMultiplyAdd(t == null ? Vector512<float>.One : Load(t + i, n - i, 0f), Load(x + i, n - i, shift) - s, acc);
            return Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(shift), acc = Vector256<float>.Zero;
            int i = 0;
            for (; i <= n - 8; i += 8)
                acc = Vector256.FusedMultiplyAdd(t == null ? Vector256<float>.One : Vector256.Load(t + i), Vector256.Load(x + i) - s, acc);
            if (i < n)
                acc = Vector256.FusedMultiplyAdd(t == null ? Vector256<float>.One : Load256(t + i, n - i, 0f), Load256(x + i, n - i, shift) - s, acc);
            return Vector256.Sum(acc);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += (t == null ? 1f : t[i]) * (x[i] - shift);
        return sum;
    }

    /// <summary>dx[i] = (dy[i] − c)·y[i]: the softmax backward within a span, with c = Σ dy⊙y. dx may be dy.</summary>
    public static void MultiplyShifted(float* dy, float* y, float* dx, int n, float c)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var vc = Vector512.Create(c);
            int i = 0;
            for (; i <= n - 16; i += 16) Vector512.Store((Vector512.Load(dy + i) - vc) * Vector512.Load(y + i), dx + i);
            if (i < n) Store((Load(dy + i, n - i, 0f) - vc) * Load(y + i, n - i, 0f), dx + i, n - i);
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vc = Vector256.Create(c);
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256.Store((Vector256.Load(dy + i) - vc) * Vector256.Load(y + i), dx + i);
            if (i < n) Store256((Load256(dy + i, n - i, 0f) - vc) * Load256(y + i, n - i, 0f), dx + i, n - i);
            return;
        }
        for (int i = 0; i < n; i++) dx[i] = (dy[i] - c) * y[i];
    }

    /// <summary>
    /// dOut[i] = dIn[i] + scale·(expScale·e^{x[i] − shift} − t[i]) (t = null reads as 0; dOut may be dIn).
    /// With shift = max and expScale = 1/Σe^{x − max} this is the cross-entropy gradient (softmax −
    /// target); subtracting the max rather than the log-sum-exp keeps x − shift exact for large logits.
    /// With t = null, shift = 0 and scale = −Σdy it is the log-softmax backward.
    /// </summary>
    public static void AddExpDifference(float* x, float* t, float* dIn, float* dOut, int n, float shift, float expScale, float scale)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(shift), es = Vector512.Create(expScale), k = Vector512.Create(scale);
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                var e = es * VectorMath.Exp(Vector512.Load(x + i) - s);
                var diff = t == null ? e : e - Vector512.Load(t + i);
                Vector512.Store(Vector512.FusedMultiplyAdd(k, diff, Vector512.Load(dIn + i)), dOut + i);
            }
            if (i < n)
            {
                int r = n - i;
                var e = es * VectorMath.Exp(Load(x + i, r, float.NegativeInfinity) - s);
                var diff = t == null ? e : e - Load(t + i, r, 0f);
                Store(Vector512.FusedMultiplyAdd(k, diff, Load(dIn + i, r, 0f)), dOut + i, r);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(shift), es = Vector256.Create(expScale), k = Vector256.Create(scale);
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                var e = es * VectorMath.Exp(Vector256.Load(x + i) - s);
                var diff = t == null ? e : e - Vector256.Load(t + i);
                Vector256.Store(Vector256.FusedMultiplyAdd(k, diff, Vector256.Load(dIn + i)), dOut + i);
            }
            if (i < n)
            {
                int r = n - i;
                var e = es * VectorMath.Exp(Load256(x + i, r, float.NegativeInfinity) - s);
                var diff = t == null ? e : e - Load256(t + i, r, 0f);
                Store256(Vector256.FusedMultiplyAdd(k, diff, Load256(dIn + i, r, 0f)), dOut + i, r);
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            float e = expScale * MathF.Exp(x[i] - shift);
            dOut[i] = dIn[i] + scale * (t == null ? e : e - t[i]);
        }
    }

    // ---- masked tails ----------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>The first <paramref name="count"/> (&lt; 16) floats at p, <paramref name="pad"/> in the other lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* p, int count, float pad) => Avx512F.MaskLoad(p, Mask(count), Vector512.Create(pad));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v, float* p, int count) => Avx512F.MaskStore(p, Mask(count), v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mask256(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();

    /// <summary>The first <paramref name="count"/> (&lt; 8) floats at p, <paramref name="pad"/> in the other lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load256(float* p, int count, float pad)
    {
        var mask = Mask256(count);
        return Vector256.ConditionalSelect(mask, Avx.MaskLoad(p, mask), Vector256.Create(pad));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(Vector256<float> v, float* p, int count) => Avx.MaskStore(p, Mask256(count), v);

    private static float Max(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        return MathF.Max(MathF.Max(m[0], m[1]), MathF.Max(m[2], m[3]));
    }
}
