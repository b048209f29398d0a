using DpSynth.Kernels.Gpu.Kernels;

namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>The kernels' double-based FMA equals the hardware MathF.FusedMultiplyAdd bit for bit.</summary>
[Trait("Backend", "ilgpu-cpu")]
public sealed class ExactFmaTests
{
    [Fact]
    public void MatchesHardwareFmaOnRandomOperands()
    {
        var rng = new System.Random(7);
        for (int i = 0; i < 1_000_000; i++)
        {
            float a = RandomFloat(rng), b = RandomFloat(rng), c = RandomFloat(rng);
            AssertSame(a, b, c);
        }
    }

    [Fact]
    public void MatchesHardwareFmaOnNearTiesAndCancellation()
    {
        // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ lies exactly halfway between two floats; a tiny c decides the
        // rounding direction, which a plain double sum followed by a float rounding gets wrong.
        float a = 1f + MathF.Pow(2, -12);
        foreach (float c in new[] { 0f, 1e-30f, -1e-30f, MathF.Pow(2, -60), -MathF.Pow(2, -60), -1f, -a * a, 1e30f, -1e-45f })
        {
            AssertSame(a, a, c);
            AssertSame(-a, a, c);
        }
        var rng = new System.Random(11);
        for (int i = 0; i < 200_000; i++)
        {
            // Products with a 25th significant bit set, then c at the tie's scale or far below it.
            float x = 1f + rng.Next(1 << 12) * MathF.Pow(2, -12), y = 1f + rng.Next(1 << 12) * MathF.Pow(2, -12);
            float tiny = (rng.Next(2) == 0 ? 1 : -1) * MathF.Pow(2, -rng.Next(20, 120));
            AssertSame(x, y, tiny);
            AssertSame(x, y, -x * y + tiny);
        }
    }

    private static float RandomFloat(System.Random rng)
    {
        float mantissa = (float)(rng.NextDouble() * 2 - 1);
        return mantissa * MathF.Pow(2, rng.Next(-40, 40));
    }

    private static void AssertSame(float a, float b, float c)
    {
        float expected = MathF.FusedMultiplyAdd(a, b, c), actual = ExactFma.Fma(a, b, c);
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
            Assert.Fail($"fma({a:R}, {b:R}, {c:R}) = {actual:R}, hardware gives {expected:R}");
    }
}
