using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// <see cref="GaussianStream"/>'s radius, log and sin/cos polynomials, operation for operation and in
/// the same order, with each MathF.FusedMultiplyAdd replaced by <see cref="ExactFma.Fma"/> (equal bit for
/// bit, but compilable by ILGPU for a GPU). No product here feeds an addition, so a compiler that
/// contracts mul+add into an FMA has nothing to contract. Keep in step with GaussianStream: the
/// bit-identity tests fail on any divergence.
/// </summary>
internal static class DeviceGaussian
{
    /// <summary>GaussianStream.Radius: r for a radius word a ≥ 256.</summary>
    public static float Radius(uint a)
    {
        float u = ExactFma.Fma(a & 0xFF, GaussianStream.Exp2M32, GaussianStream.Exp2M33);
        u = ExactFma.Fma(a >> 8, GaussianStream.Exp2M24, u);
        return MathF.Sqrt(-2f * Log(u));
    }

    /// <summary>GaussianStream.TailRadius, given the pair's word of the extension block.</summary>
    public static float TailRadius(uint a, uint extensionWord)
    {
        float u = ExactFma.Fma(extensionWord & 0xFF, GaussianStream.Exp2M64, GaussianStream.Exp2M65);
        u = ExactFma.Fma(extensionWord >> 8, GaussianStream.Exp2M56, u);
        u = ExactFma.Fma(a, GaussianStream.Exp2M32, u);
        return MathF.Sqrt(-2f * Log(u));
    }

    /// <summary>GaussianStream.Log.</summary>
    public static float Log(float u)
    {
        int bits = BitConverter.SingleToInt32Bits(u);
        int shifted = bits - 0x3F3504F3;
        int k = shifted >> 23;
        float m = BitConverter.Int32BitsToSingle((shifted & 0x007FFFFF) + 0x3F3504F3);
        float f = m - 1f;
        float s = f / (2f + f);
        float s2 = s * s;
        float p = ExactFma.Fma(s2, GaussianStream.L9, GaussianStream.L7);
        p = ExactFma.Fma(s2, p, GaussianStream.L5);
        p = ExactFma.Fma(s2, p, GaussianStream.L3);
        p = ExactFma.Fma(s2, p, GaussianStream.L1);
        float lnm = s * p;
        return ExactFma.Fma(k, GaussianStream.Ln2, lnm);
    }

    /// <summary>GaussianStream.SinPoly: sin on [0, π/2).</summary>
    public static float SinPoly(float x)
    {
        float x2 = x * x;
        float p = ExactFma.Fma(x2, GaussianStream.S13, GaussianStream.S11);
        p = ExactFma.Fma(x2, p, GaussianStream.S9);
        p = ExactFma.Fma(x2, p, GaussianStream.S7);
        p = ExactFma.Fma(x2, p, GaussianStream.S5);
        p = ExactFma.Fma(x2, p, GaussianStream.S3);
        return ExactFma.Fma(x * x2, p, x);
    }

    /// <summary>GaussianStream.CosPoly: cos on [0, π/2).</summary>
    public static float CosPoly(float x)
    {
        float x2 = x * x;
        float p = ExactFma.Fma(x2, GaussianStream.C14, GaussianStream.C12);
        p = ExactFma.Fma(x2, p, GaussianStream.C10);
        p = ExactFma.Fma(x2, p, GaussianStream.C8);
        p = ExactFma.Fma(x2, p, GaussianStream.C6);
        p = ExactFma.Fma(x2, p, GaussianStream.C4);
        p = ExactFma.Fma(x2, p, GaussianStream.C2);
        return ExactFma.Fma(x2, p, 1f);
    }
}
