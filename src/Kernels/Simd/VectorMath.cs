using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DpSynth.Kernels.Simd;

/// <summary>
/// Vector transcendental functions for the activations, softmax and cross-entropy. Exp is a
/// single-precision one (below) rather than the runtime's Vector512.Exp, which evaluates float exp in
/// double and costs about three times as much. Tanh is built from exp, except near 0 where
/// 1 − 2/(e^{2x}+1) cancels catastrophically; there an odd Taylor polynomial keeps the relative error
/// below ~1e-7.
/// </summary>
internal static class VectorMath
{
    // e^x = 2^n·e^r with n = round(x·log₂e) and |r| ≤ ln2/2; ln2 split in two so that x − n·ln2 is
    // exact; e^r by Cephes' degree-7 polynomial (relative error ≈ 1e-7 on that range).
    private const float Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    private const float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f, E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;
    // Past these e^x is 0 (below the smallest subnormal) or ∞; clamping keeps n finite, so −∞ gives 0, not NaN.
    private const float ExpLow = -104f, ExpHigh = 89f;

    /// <summary>e^x in single precision (≈ 2 ulp); −∞ gives 0, +∞ and overflow give ∞, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpLow)), Vector512.Create(ExpHigh));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(E0), r, Vector512.Create(E1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        // vscalefps computes p·2^n with gradual underflow and overflow to ∞ in one instruction.
        return Avx512F.Scale(p, n);
    }

    /// <summary>e^x in single precision for CPUs without AVX-512 (same polynomial; 2^n applied in two halves so n up to ±150 stays representable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(E0), r, Vector256.Create(E1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var ni = Vector256.ConvertToInt32(n);
        var half = Vector256.ShiftRightArithmetic(ni, 1);
        var bias = Vector256.Create(127);
        var first = Vector256.ShiftLeft(half + bias, 23).AsSingle();
        var second = Vector256.ShiftLeft(ni - half + bias, 23).AsSingle();
        return p * first * second;
    }
    // tanh(x) = x + x³·P(x²) for |x| < 0.5; the first omitted term (x¹⁷) is < 5e-9 there.
    private const float T3 = -1f / 3f, T5 = 2f / 15f, T7 = -17f / 315f, T9 = 62f / 2835f;
    private const float T11 = -1382f / 155925f, T13 = 21844f / 6081075f, T15 = -929569f / 638512875f;
    private const float SmallTanh = 0.5f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var one = Vector512<float>.One;
        var ax = Vector512.Abs(x);
        var large = one - Vector512.Create(2f) / (Exp(ax + ax) + one); // e^{2|x|} = ∞ gives exactly 1
        var x2 = x * x;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(T15), x2, Vector512.Create(T13));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(T11));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(T9));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(T7));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(T5));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(T3));
        var small = Vector512.FusedMultiplyAdd(x * x2, p, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(SmallTanh)), small, Vector512.CopySign(large, x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var ax = Vector256.Abs(x);
        var large = one - Vector256.Create(2f) / (Exp(ax + ax) + one);
        var x2 = x * x;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(T15), x2, Vector256.Create(T13));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(T11));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(T9));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(T7));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(T5));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(T3));
        var small = Vector256.FusedMultiplyAdd(x * x2, p, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(SmallTanh)), small, Vector256.CopySign(large, x));
    }

    /// <summary>1/(1 + e^−x); e^−x = ∞ for very negative x gives exactly 0, no NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>√(2/π)·x·(1 + 0.044715·x²), the argument of GELU's tanh.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluInner(Vector512<float> x)
        => Vector512.Create((float)ActivationMath.GeluScale) * x * Vector512.FusedMultiplyAdd(Vector512.Create((float)ActivationMath.GeluCubic) * x, x, Vector512<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluInner(Vector256<float> x)
        => Vector256.Create((float)ActivationMath.GeluScale) * x * Vector256.FusedMultiplyAdd(Vector256.Create((float)ActivationMath.GeluCubic) * x, x, Vector256<float>.One);
}
