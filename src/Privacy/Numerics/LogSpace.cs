namespace DpSynth.Privacy.Numerics;

/// <summary>
/// Arithmetic on values stored as logarithms. The accountants multiply and add quantities such
/// as binomial terms times e^{k²/2σ²} that overflow a double long before the result does.
/// </summary>
internal static class LogSpace
{
    /// <summary>log(e^a + e^b) without overflow.</summary>
    public static double Add(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double hi = Math.Max(a, b), lo = Math.Min(a, b);
        return hi + Math.Log(1.0 + Math.Exp(lo - hi));
    }

    /// <summary>log(e^a − e^b) for a ≥ b; −∞ when they are equal.</summary>
    public static double Subtract(double a, double b)
    {
        if (double.IsNegativeInfinity(b)) return a;
        if (b > a) throw new ArgumentException("log-space subtraction would go negative");
        if (a == b) return double.NegativeInfinity;
        // log(e^a − e^b) = a + log(1 − e^{b−a}); log1p(−x) keeps precision when b ≪ a.
        return a + MathNet.Numerics.SpecialFunctions.Log1p(-Math.Exp(b - a));
    }

    /// <summary>log Σ e^{x_i}, shifted by the maximum so that no term overflows.</summary>
    public static double Sum(ReadOnlySpan<double> logs)
    {
        double max = double.NegativeInfinity;
        foreach (double v in logs) if (v > max) max = v;
        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max)) return max;
        double s = 0;
        foreach (double v in logs) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }
}
