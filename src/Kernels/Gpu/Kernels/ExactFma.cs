namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// A correctly rounded float fused multiply-add built from double operations only. ILGPU 1.5 has no
/// intrinsic for MathF.FusedMultiplyAdd (on CUDA it becomes a call to an undefined external function),
/// but the noise stream is defined by FMAs, so the kernels need one that every ILGPU backend compiles
/// and that equals the hardware FMA bit for bit:
/// <list type="number">
/// <item>p = a·b is exact in double (24 + 24 ≤ 53 significant bits), so a compiler contracting it into
/// an FMA cannot change anything below.</item>
/// <item>s + e = p + c exactly, by Knuth's TwoSum (round-to-nearest double additions).</item>
/// <item>s is rounded to odd (if e ≠ 0 and s's last bit is 0, step s one ulp towards e), and the
/// round-to-odd double rounded to nearest float is the correctly rounded a·b + c, since 53 ≥ 24 + 2
/// (Boldo &amp; Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
/// rounding to odd", IEEE TC 2008).</item>
/// </list>
/// Inputs here are finite; it is tested against MathF.FusedMultiplyAdd on random and near-tie cases.
/// </summary>
internal static class ExactFma
{
    /// <summary>The correctly rounded a·b + c.</summary>
    public static float Fma(float a, float b, float c)
    {
        double p = (double)a * b;
        double s = p + c;
        double bVirtual = s - p;
        double e = (p - (s - bVirtual)) + (c - bVirtual);
        long bits = BitConverter.DoubleToInt64Bits(s);
        if (e != 0.0 && (bits & 1) == 0)
            bits += (s > 0.0) == (e > 0.0) ? 1 : -1;
        return (float)BitConverter.Int64BitsToDouble(bits);
    }
}
