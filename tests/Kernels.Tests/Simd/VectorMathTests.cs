using System.Runtime.Intrinsics;
using DpSynth.Kernels.Simd;

namespace DpSynth.Kernels.Tests.Simd;

/// <summary>
/// The single-precision vector exp behind the SIMD activations, softmax and cross-entropy, on both
/// widths, against double-precision exp: accuracy over the whole range, gradual underflow, overflow
/// and the special values the kernels rely on (e^−∞ = 0 for padded lanes).
/// </summary>
[Trait("Backend", "simd")]
public sealed class VectorMathTests
{
    private static IEnumerable<float> Inputs()
    {
        var rng = new System.Random(5);
        for (int i = 0; i < 200_000; i++) yield return (float)(rng.NextDouble() * 200 - 105);
        for (int i = 0; i < 20_000; i++) yield return (float)(rng.NextDouble() * 2 - 1) * 1e-3f;
        foreach (float x in new[] { 0f, -0f, 1f, -1f, 88.7f, 88.72f, 88.73f, -87.3f, -87.34f, -103f, -103.97f, -104f, -150f, 89f, 100f })
            yield return x;
    }

    [Fact]
    public void Exp_is_accurate_on_both_vector_widths()
    {
        foreach (float x in Inputs())
        {
            double exact = Math.Exp(x);
            float wide = VectorMath.Exp(Vector512.Create(x))[0], narrow = VectorMath.Exp(Vector256.Create(x))[0];
            foreach (var (width, got) in new[] { (512, wide), (256, narrow) })
            {
                if (exact > float.MaxValue) Assert.True(float.IsPositiveInfinity(got), $"e^{x:R} overflows, Vector{width} gives {got:R}");
                else if (exact < 1.2e-38) Assert.True(Math.Abs(got - exact) <= 3e-45, $"e^{x:R} = {exact:R} (subnormal), Vector{width} gives {got:R}");
                else Assert.True(Math.Abs(got - exact) <= 3e-7 * exact, $"e^{x:R} = {exact:R}, Vector{width} gives {got:R} (relative error {Math.Abs(got - exact) / exact:E2})");
            }
        }
    }

    [Fact]
    public void Exp_special_values()
    {
        foreach (var (x, expected) in new[] { (float.NegativeInfinity, 0f), (float.PositiveInfinity, float.PositiveInfinity), (0f, 1f) })
        {
            Assert.Equal(expected, VectorMath.Exp(Vector512.Create(x))[0]);
            Assert.Equal(expected, VectorMath.Exp(Vector256.Create(x))[0]);
        }
        Assert.True(float.IsNaN(VectorMath.Exp(Vector512.Create(float.NaN))[0]), "Vector512: e^NaN is not NaN");
        Assert.True(float.IsNaN(VectorMath.Exp(Vector256.Create(float.NaN))[0]), "Vector256: e^NaN is not NaN");
    }
}
