using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

/// <summary>
/// Vector transcendental functions the activations need, on top of the runtime's Vector512.Exp /
/// Vector256.Exp (≈1 ulp). Tanh is built from exp, except near 0 where 1 − 2/(e^{2x}+1) cancels
/// catastrophically; there an odd Taylor polynomial keeps the relative error below ~1e-7.
/// </summary>
internal static class VectorMath
{
    // tanh(x) = x + x³·P(x²) for |x| < 0.5; the first omitted term (x¹⁷) is < 5e-9 there.
    private const float T3 = -1f / 3f, T5 = 2f / 15f, T7 = -17f / 315f, T9 = 62f / 2835f;
    private const float T11 = -1382f / 155925f, T13 = 21844f / 6081075f, T15 = -929569f / 638512875f;
    private const float SmallTanh = 0.5f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var one = Vector512<float>.One;
        var ax = Vector512.Abs(x);
        var large = one - Vector512.Create(2f) / (Vector512.Exp(ax + ax) + one); // e^{2|x|} = ∞ gives exactly 1
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
        var large = one - Vector256.Create(2f) / (Vector256.Exp(ax + ax) + one);
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
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>√(2/π)·x·(1 + 0.044715·x²), the argument of GELU's tanh.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluInner(Vector512<float> x)
        => Vector512.Create((float)ActivationMath.GeluScale) * x * Vector512.FusedMultiplyAdd(Vector512.Create((float)ActivationMath.GeluCubic) * x, x, Vector512<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluInner(Vector256<float> x)
        => Vector256.Create((float)ActivationMath.GeluScale) * x * Vector256.FusedMultiplyAdd(Vector256.Create((float)ActivationMath.GeluCubic) * x, x, Vector256<float>.One);
}
