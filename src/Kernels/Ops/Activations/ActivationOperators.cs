using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

// Forward activations. Scalar paths call ActivationMath, so tails match the reference formulas;
// ReLU-style ops select on x > 0 (not Max) so that NaN and −0 behave exactly like the scalar code.

internal readonly struct ReluOperator : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.ReLU, x, 0f);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, Vector256<float>.Zero);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, Vector512<float>.Zero);
}

internal readonly struct LeakyReluOperator(float slope) : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.LeakyReLU, x, slope);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
}

internal readonly struct SiluOperator : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.SiLU, x, 0f);
    public Vector256<float> Invoke(Vector256<float> x) => x * VectorMath.Sigmoid(x);
    public Vector512<float> Invoke(Vector512<float> x) => x * VectorMath.Sigmoid(x);
}

internal readonly struct GeluOperator : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.Gelu, x, 0f);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(0.5f) * x * (Vector256<float>.One + VectorMath.Tanh(VectorMath.GeluInner(x)));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(0.5f) * x * (Vector512<float>.One + VectorMath.Tanh(VectorMath.GeluInner(x)));
}

internal readonly struct TanhOperator : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.Tanh, x, 0f);
    public Vector256<float> Invoke(Vector256<float> x) => VectorMath.Tanh(x);
    public Vector512<float> Invoke(Vector512<float> x) => VectorMath.Tanh(x);
}

internal readonly struct SigmoidOperator : IUnaryOperator
{
    public float Invoke(float x) => ActivationMath.Forward(Activation.Sigmoid, x, 0f);
    public Vector256<float> Invoke(Vector256<float> x) => VectorMath.Sigmoid(x);
    public Vector512<float> Invoke(Vector512<float> x) => VectorMath.Sigmoid(x);
}

// Backward activations: dx = f'(x)·dy. Tanh and Sigmoid use y, the rest use x.

internal readonly struct ReluGradient : IGradientOperator
{
    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.ReLU, x, y, 0f) * dy;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, Vector256<float>.Zero);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, Vector512<float>.Zero);
}

internal readonly struct LeakyReluGradient(float slope) : IGradientOperator
{
    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.LeakyReLU, x, y, slope) * dy;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), dy, dy * slope);
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), dy, dy * slope);
}

internal readonly struct SiluGradient : IGradientOperator
{
    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.SiLU, x, y, 0f) * dy;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var s = VectorMath.Sigmoid(x);
        return s * Vector256.FusedMultiplyAdd(x, Vector256<float>.One - s, Vector256<float>.One) * dy;
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy)
    {
        var s = VectorMath.Sigmoid(x);
        return s * Vector512.FusedMultiplyAdd(x, Vector512<float>.One - s, Vector512<float>.One) * dy;
    }
}

internal readonly struct GeluGradient : IGradientOperator
{
    private const float Scale = (float)ActivationMath.GeluScale, Cubic3 = 3f * (float)ActivationMath.GeluCubic;

    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.Gelu, x, y, 0f) * dy;

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        // f' = ½(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3c·x²), t = tanh(inner)
        var one = Vector256<float>.One;
        var t = VectorMath.Tanh(VectorMath.GeluInner(x));
        var innerSlope = Vector256.Create(Scale) * Vector256.FusedMultiplyAdd(Vector256.Create(Cubic3) * x, x, one);
        var derivative = Vector256.Create(0.5f) * Vector256.FusedMultiplyAdd(x * (one - t * t), innerSlope, one + t);
        return derivative * dy;
    }

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy)
    {
        var one = Vector512<float>.One;
        var t = VectorMath.Tanh(VectorMath.GeluInner(x));
        var innerSlope = Vector512.Create(Scale) * Vector512.FusedMultiplyAdd(Vector512.Create(Cubic3) * x, x, one);
        var derivative = Vector512.Create(0.5f) * Vector512.FusedMultiplyAdd(x * (one - t * t), innerSlope, one + t);
        return derivative * dy;
    }
}

internal readonly struct TanhGradient : IGradientOperator
{
    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.Tanh, x, y, 0f) * dy;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => (Vector256<float>.One - y * y) * dy;
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy) => (Vector512<float>.One - y * y) * dy;
}

internal readonly struct SigmoidGradient : IGradientOperator
{
    public float Invoke(float x, float y, float dy) => ActivationMath.Derivative(Activation.Sigmoid, x, y, 0f) * dy;
    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => y * (Vector256<float>.One - y) * dy;
    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy) => y * (Vector512<float>.One - y) * dy;
}
