using ILGPU.Algorithms;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// <see cref="ActivationMath"/>'s float formulas as they run inside kernels. They differ in one place:
/// tanh. ILGPU.Algorithms' PTX tanh is (e^{2x} − 1)/(e^{2x} + 1), which is ∞/∞ = NaN once e^{2x}
/// overflows (x &gt; 44), so kernels use a saturating form here instead of MathF.Tanh.
/// </summary>
internal static class DeviceActivation
{
    private const float GeluScale = (float)ActivationMath.GeluScale;
    private const float GeluCubic = (float)ActivationMath.GeluCubic;

    /// <summary>f(x); <paramref name="slope"/> is LeakyReLU's negative slope.</summary>
    public static float Forward(int f, float x, float slope)
    {
        switch (f)
        {
            case (int)Activation.ReLU: return x > 0f ? x : 0f;
            case (int)Activation.LeakyReLU: return x > 0f ? x : slope * x;
            case (int)Activation.SiLU: return x * Sigmoid(x);
            case (int)Activation.Gelu: return 0.5f * x * (1f + Tanh(GeluInner(x)));
            case (int)Activation.Tanh: return Tanh(x);
            case (int)Activation.Sigmoid: return Sigmoid(x);
            default: return x;
        }
    }

    /// <summary>f'(x) given x and y = f(x).</summary>
    public static float Derivative(int f, float x, float y, float slope)
    {
        switch (f)
        {
            case (int)Activation.ReLU: return x > 0f ? 1f : 0f;
            case (int)Activation.LeakyReLU: return x > 0f ? 1f : slope;
            case (int)Activation.SiLU:
                float s = Sigmoid(x);
                return s * (1f + x * (1f - s));
            case (int)Activation.Gelu:
                float t = Tanh(GeluInner(x));
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GeluScale * (1f + 3f * GeluCubic * x * x);
            case (int)Activation.Tanh: return 1f - y * y;
            case (int)Activation.Sigmoid: return y * (1f - y);
            default: return 1f;
        }
    }

    /// <summary>1 / (1 + e^−x): e^−x = ∞ gives exactly 0, so no special case is needed.</summary>
    public static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    /// <summary>√(2/π)·(x + 0.044715·x³).</summary>
    public static float GeluInner(float x) => GeluScale * x * (1f + GeluCubic * x * x);

    /// <summary>
    /// tanh that saturates: sign(x)·(1 − 2/(e^{2|x|} + 1)) is exact in the limit (2/∞ = 0). Near 0 that
    /// form cancels, so |x| &lt; 1/4 uses the odd Taylor series, whose next term is below 3·10⁻⁸ relative.
    /// </summary>
    public static float Tanh(float x)
    {
        float a = XMath.Abs(x);
        if (a < 0.25f)
        {
            float x2 = x * x;
            // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835
            float p = 62f / 2835f;
            p = p * x2 - 17f / 315f;
            p = p * x2 + 2f / 15f;
            p = p * x2 - 1f / 3f;
            return x + x * x2 * p;
        }
        float t = 1f - 2f / (XMath.Exp(2f * a) + 1f);
        return x < 0f ? -t : t;
    }
}
