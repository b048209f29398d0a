namespace DpSynth.Kernels;

/// <summary>
/// The scalar activation formulas f(x) and f'(x), written once so that every backend evaluates the
/// same expressions: the reference backend in double, SIMD scalar tails and GPU kernels in float.
/// Derivatives take both x and y = f(x) because Tanh and Sigmoid are cheaper (and, for the GPU,
/// need no transcendental call) from y. Plain static methods over float/double only, so ILGPU can
/// compile them into kernels.
/// </summary>
public static class ActivationMath
{
    /// <summary>√(2/π), the scale inside GELU's tanh form.</summary>
    public const double GeluScale = 0.79788456080286535588;

    /// <summary>The cubic coefficient of GELU's tanh form.</summary>
    public const double GeluCubic = 0.044715;

    /// <summary>f(x) in float; <paramref name="slope"/> is LeakyReLU's negative slope.</summary>
    public static float Forward(Activation f, float x, float slope) => f switch
    {
        Activation.ReLU => x > 0f ? x : 0f,
        Activation.LeakyReLU => x > 0f ? x : slope * x,
        Activation.SiLU => x * Sigmoid(x),
        Activation.Gelu => 0.5f * x * (1f + MathF.Tanh(GeluInner(x))),
        Activation.Tanh => MathF.Tanh(x),
        Activation.Sigmoid => Sigmoid(x),
        _ => x,
    };

    /// <summary>f'(x) in float, given x and y = f(x).</summary>
    public static float Derivative(Activation f, float x, float y, float slope)
    {
        switch (f)
        {
            case Activation.ReLU: return x > 0f ? 1f : 0f;
            case Activation.LeakyReLU: return x > 0f ? 1f : slope;
            case Activation.SiLU:
                float s = Sigmoid(x);
                return s * (1f + x * (1f - s));
            case Activation.Gelu:
                float t = MathF.Tanh(GeluInner(x));
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * (float)GeluScale * (1f + 3f * (float)GeluCubic * x * x);
            case Activation.Tanh: return 1f - y * y;
            case Activation.Sigmoid: return y * (1f - y);
            default: return 1f;
        }
    }

    /// <summary>f(x) in double (the reference backend and finite-difference checks).</summary>
    public static double Forward(Activation f, double x, double slope) => f switch
    {
        Activation.ReLU => x > 0 ? x : 0,
        Activation.LeakyReLU => x > 0 ? x : slope * x,
        Activation.SiLU => x * Sigmoid(x),
        Activation.Gelu => 0.5 * x * (1 + Math.Tanh(GeluInner(x))),
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => Sigmoid(x),
        _ => x,
    };

    /// <summary>f'(x) in double, given x and y = f(x).</summary>
    public static double Derivative(Activation f, double x, double y, double slope)
    {
        switch (f)
        {
            case Activation.ReLU: return x > 0 ? 1 : 0;
            case Activation.LeakyReLU: return x > 0 ? 1 : slope;
            case Activation.SiLU:
                double s = Sigmoid(x);
                return s * (1 + x * (1 - s));
            case Activation.Gelu:
                double t = Math.Tanh(GeluInner(x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GeluScale * (1 + 3 * GeluCubic * x * x);
            case Activation.Tanh: return 1 - y * y;
            case Activation.Sigmoid: return y * (1 - y);
            default: return 1;
        }
    }

    /// <summary>1 / (1 + e^−x); saturates to 0 or 1 without overflow trouble (e^−x = ∞ gives 0).</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>1 / (1 + e^−x) in double.</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>√(2/π)·(x + 0.044715·x³), the argument of GELU's tanh.</summary>
    public static float GeluInner(float x) => (float)GeluScale * x * (1f + (float)GeluCubic * x * x);

    /// <summary>√(2/π)·(x + 0.044715·x³) in double.</summary>
    public static double GeluInner(double x) => GeluScale * x * (1 + GeluCubic * x * x);
}
