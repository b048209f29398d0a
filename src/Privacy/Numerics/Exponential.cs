namespace DpSynth.Privacy.Numerics;

/// <summary>
/// e^x − 1 to a few ulps. MathNet's <c>SpecialFunctions.Expm1</c> truncates its series early
/// (relative error ≈ 5e-8 near x = 0.05), which is large enough to move a PLD's δ below the
/// true value; the accountants use this one instead.
/// </summary>
internal static class Exponential
{
    /// <summary>e^x − 1, by Kahan's trick: (u − 1)·x / log u with u = e^x cancels the rounding of u.</summary>
    public static double MinusOne(double x)
    {
        if (double.IsNaN(x)) return x;
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }
}
