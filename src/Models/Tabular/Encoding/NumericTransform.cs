using MathNet.Numerics;

namespace DpSynth.Models.Tabular;

/// <summary>How a continuous or integer column is encoded.</summary>
public enum NumericTransform
{
    /// <summary>Quantile transform to a standard normal: x → Φ⁻¹(F̂(x)) with F̂ piecewise linear through a quantile grid.</summary>
    QuantileNormal,
    /// <summary>Quantile transform to a uniform on [0, 1]: x → F̂(x).</summary>
    QuantileUniform,
    /// <summary>Min–max scaling of the value, clamped to its bounds, to [0, 1].</summary>
    MinMax,
    /// <summary>
    /// A one-hot over bins (<see cref="BinnedNumericEncoder"/>): one bin per whole number when an
    /// integer column's public range is short, otherwise the intervals of a quantile grid, with a
    /// point bin for every repeated knot.
    /// </summary>
    Bins,
}

/// <summary>
/// The piecewise-linear CDF through a quantile grid q₀ ≤ … ≤ q_K (level k/K at knot k) and its
/// exact inverse. Repeated knots (ties, common for integers) map to the middle of their level
/// range, and the inverse maps that whole range back to the tied value, so tied values round-trip
/// exactly.
/// </summary>
internal static class QuantileGrid
{
    /// <summary>Levels are kept this far from 0 and 1 so that Φ⁻¹ stays finite (|z| ≤ 4.75).</summary>
    public const double NormalTailClip = 1e-6;

    /// <summary>F̂(x) ∈ [0, 1]; x is clamped to [q₀, q_K] first.</summary>
    public static double Cdf(ReadOnlySpan<double> grid, double x)
    {
        int k = grid.Length - 1;
        if (x <= grid[0]) x = grid[0];
        else if (x >= grid[k]) x = grid[k];
        int lo = LowerBound(grid, x);          // first knot ≥ x
        int hi = UpperBound(grid, x) - 1;      // last knot ≤ x
        if (lo <= hi) return (lo + hi) / (2.0 * k);
        double t = hi + (x - grid[hi]) / (grid[lo] - grid[hi]);
        return t / k;
    }

    /// <summary>F̂⁻¹(u) for u ∈ [0, 1] (clamped).</summary>
    public static double InverseCdf(ReadOnlySpan<double> grid, double u)
    {
        int k = grid.Length - 1;
        double t = Math.Clamp(u, 0, 1) * k;
        int i = Math.Min((int)t, k - 1);
        double frac = t - i;
        double a = grid[i], b = grid[i + 1];
        // On a tie the segment is flat: return the knot itself so that ties decode exactly.
        return a == b ? a : a + frac * (b - a);
    }

    /// <summary>Standard normal quantile of a level, clipped away from 0 and 1.</summary>
    public static double ToNormal(double u) => NormalQuantile(Math.Clamp(u, NormalTailClip, 1 - NormalTailClip));

    /// <summary>
    /// Φ⁻¹(p) by Wichura's rational approximations (Algorithm AS 241, Applied Statistics 37(3),
    /// 1988; relative error about 1e-16). Encoding calls this once per value, and a general-purpose
    /// inverse error function is several times slower; the far tails (|z| &gt; ~5), which the clip
    /// above never reaches, fall back to it.
    /// </summary>
    internal static double NormalQuantile(double p)
    {
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            double num = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r
                + 3.3871328727963666080;
            double den = ((((((5226.4952788528545610 * r + 28729.085735721942674) * r + 39307.895800092710610) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.18700749205790830) * r + 42.313330701600911252) * r
                + 1.0;
            return q * num / den;
        }
        double tail = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        if (tail > 5) return -Constants.Sqrt2 * SpecialFunctions.ErfcInv(2 * p);
        double t = tail - 1.6;
        double n2 = ((((((7.74545014278341407640e-4 * t + 2.27238449892691845833e-2) * t + 2.41780725177450611770e-1) * t
            + 1.27045825245236838258) * t + 3.64784832476320460504) * t + 5.76949722146069140550) * t + 4.63033784615654529590) * t
            + 1.42343711074968357734;
        double d2 = ((((((1.05075007164441684324e-9 * t + 5.47593808499534494600e-4) * t + 1.51986665636164571966e-2) * t
            + 1.48103976427480074590e-1) * t + 6.89767334985100004550e-1) * t + 1.67638483018380384940) * t + 2.05319162663775882187) * t
            + 1.0;
        double z = n2 / d2;
        return q < 0 ? -z : z;
    }

    /// <summary>Standard normal CDF.</summary>
    public static double FromNormal(double z) => 0.5 * SpecialFunctions.Erfc(-z / Constants.Sqrt2);

    private static int LowerBound(ReadOnlySpan<double> g, double x)
    {
        int lo = 0, hi = g.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (g[mid] < x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> g, double x)
    {
        int lo = 0, hi = g.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (g[mid] <= x) lo = mid + 1; else hi = mid; }
        return lo;
    }
}
