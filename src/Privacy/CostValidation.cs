using System.Globalization;

namespace DpSynth.Privacy;

/// <summary>Argument checks shared by the accountants, so that every entry point refuses the same impossible inputs with the same words.</summary>
internal static class CostValidation
{
    public static void SampleRate(double q, bool allowZero = false)
    {
        bool ok = allowZero ? q >= 0 && q <= 1 : q > 0 && q <= 1;
        if (!ok) throw new ArgumentOutOfRangeException(nameof(q), q, $"sample rate must be in {(allowZero ? "[0, 1]" : "(0, 1]")}, got {Format(q)}");
    }

    public static void Positive(double value, string what)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(what, value, $"{what} must be a positive finite number, got {Format(value)}");
    }

    public static void NonNegative(double value, string what)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(what, value, $"{what} must be a non-negative finite number, got {Format(value)}");
    }

    public static void Delta(double delta)
    {
        if (!(delta > 0 && delta < 1))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"delta must be in (0, 1), got {Format(delta)}");
    }

    public static void Steps(long steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be at least 1, got {steps}");
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
