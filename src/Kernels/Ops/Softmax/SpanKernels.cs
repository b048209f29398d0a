using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

/// <summary>
/// Exp-based loops over one short column span (a one-hot block: often 2–30 columns). Instead of a
/// scalar tail, the last partial vector is staged through a register padded with a neutral value
/// (−∞ for exponents, 0 otherwise): a span shorter than the vector width then costs one vector exp
/// rather than up to fifteen scalar ones, and nothing outside the span is read or written.
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
            acc = Vector512.Max(acc, LoadPartial512(p + i, n - i, float.NegativeInfinity));
            return HorizontalMax(acc.GetLower(), acc.GetUpper());
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256.Create(float.NegativeInfinity);
            int i = 0;
            for (; i <= n - 8; i += 8) acc = Vector256.Max(acc, Vector256.Load(p + i));
            acc = Vector256.Max(acc, LoadPartial256(p + i, n - i, float.NegativeInfinity));
            return HorizontalMax(acc, acc);
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
                var e = Vector512.Exp(Vector512.Load(p + i) - s);
                if (store) Vector512.Store(e, p + i);
                acc += e;
            }
            if (i < n)
            {
                var e = Vector512.Exp(LoadPartial512(p + i, n - i, float.NegativeInfinity) - s);
                if (store) StorePartial512(e, p + i, n - i);
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
                var e = Vector256.Exp(Vector256.Load(p + i) - s);
                if (store) Vector256.Store(e, p + i);
                acc += e;
            }
            if (i < n)
            {
                var e = Vector256.Exp(LoadPartial256(p + i, n - i, float.NegativeInfinity) - s);
                if (store) StorePartial256(e, p + i, n - i);
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

    /// <summary>
    /// d[i] += scale·(expScale·e^{x[i] − shift} − t[i]) (t = null reads as 0). With shift = max and
    /// expScale = 1/Σe^{x − max} this is the cross-entropy gradient (softmax − target); subtracting the
    /// max rather than the log-sum-exp keeps x − shift exact for large logits. With t = null,
    /// shift = 0 and scale = −Σdy it is the log-softmax backward.
    /// </summary>
    public static void AddExpDifference(float* x, float* t, float* d, int n, float shift, float expScale, float scale)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(shift), es = Vector512.Create(expScale), k = Vector512.Create(scale);
            int i = 0;
            for (; i <= n - 16; i += 16)
            {
                var e = es * Vector512.Exp(Vector512.Load(x + i) - s);
                var diff = t == null ? e : e - Vector512.Load(t + i);
                Vector512.Store(Vector512.FusedMultiplyAdd(k, diff, Vector512.Load(d + i)), d + i);
            }
            if (i < n)
            {
                int r = n - i;
                var e = es * Vector512.Exp(LoadPartial512(x + i, r, float.NegativeInfinity) - s);
                var diff = t == null ? e : e - LoadPartial512(t + i, r, 0f);
                StorePartial512(Vector512.FusedMultiplyAdd(k, diff, LoadPartial512(d + i, r, 0f)), d + i, r);
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(shift), es = Vector256.Create(expScale), k = Vector256.Create(scale);
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                var e = es * Vector256.Exp(Vector256.Load(x + i) - s);
                var diff = t == null ? e : e - Vector256.Load(t + i);
                Vector256.Store(Vector256.FusedMultiplyAdd(k, diff, Vector256.Load(d + i)), d + i);
            }
            if (i < n)
            {
                int r = n - i;
                var e = es * Vector256.Exp(LoadPartial256(x + i, r, float.NegativeInfinity) - s);
                var diff = t == null ? e : e - LoadPartial256(t + i, r, 0f);
                StorePartial256(Vector256.FusedMultiplyAdd(k, diff, LoadPartial256(d + i, r, 0f)), d + i, r);
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            float e = expScale * MathF.Exp(x[i] - shift);
            d[i] += scale * (t == null ? e : e - t[i]);
        }
    }

    /// <summary>Σ_i t[i]·(x[i] − shift), subtracting before multiplying so large logits do not cancel.</summary>
    public static float ShiftedDot(float* t, float* x, int n, float shift)
    {
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(shift), acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(t + i), Vector512.Load(x + i) - s, acc);
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(shift), acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(t + i), Vector256.Load(x + i) - s, acc);
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += t[i] * (x[i] - shift);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LoadPartial512(float* p, int count, float pad)
    {
        var v = Vector512.Create(pad);
        float* lanes = (float*)&v;
        for (int i = 0; i < count; i++) lanes[i] = p[i];
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial512(Vector512<float> v, float* p, int count)
    {
        float* lanes = (float*)&v;
        for (int i = 0; i < count; i++) p[i] = lanes[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadPartial256(float* p, int count, float pad)
    {
        var v = Vector256.Create(pad);
        float* lanes = (float*)&v;
        for (int i = 0; i < count; i++) lanes[i] = p[i];
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial256(Vector256<float> v, float* p, int count)
    {
        float* lanes = (float*)&v;
        for (int i = 0; i < count; i++) p[i] = lanes[i];
    }

    private static float HorizontalMax(Vector256<float> a, Vector256<float> b)
    {
        var m = Vector256.Max(a, b);
        float max = m[0];
        for (int i = 1; i < 8; i++) max = MathF.Max(max, m[i]);
        return max;
    }
}
