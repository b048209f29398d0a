using System.Globalization;

namespace DpSynth.Models.Tabular.Inference;

/// <summary>
/// The public classes a cell falls into, one per cell, so that a histogram of them has L2
/// sensitivity 1 under add/remove: missing; text that is not a number (a boolean word or other
/// text); a whole number; a number written with d = 1…<see cref="MaxDecimals"/> decimals; or with
/// more. These counts decide a column's kind and precision without reading anything else.
/// </summary>
internal static class CellShape
{
    /// <summary>Most decimals counted one by one; numbers with more share the last class (and are not rounded).</summary>
    public const int MaxDecimals = 7;

    public const int Missing = 0, Text = 1, BooleanWord = 2, Whole = 3;

    /// <summary>The class of a number with <paramref name="decimals"/> ≥ 1 decimals (capped at "more than <see cref="MaxDecimals"/>").</summary>
    public static int Decimal(int decimals) => Whole + Math.Min(decimals, MaxDecimals + 1);

    /// <summary>Number of classes.</summary>
    public const int Count = Whole + MaxDecimals + 2;

    /// <summary>Decimals of class <paramref name="shape"/> (0 for whole numbers, <see cref="MaxDecimals"/> + 1 for "more").</summary>
    public static int DecimalsOf(int shape) => shape - Whole;

    /// <summary>Class names, for the ledger and messages.</summary>
    public static string Name(int shape) => shape switch
    {
        Missing => "missing",
        Text => "text",
        BooleanWord => "boolean word",
        Whole => "whole number",
        _ when DecimalsOf(shape) > MaxDecimals => $"number with more than {MaxDecimals} decimals",
        _ => $"number with {DecimalsOf(shape)} decimal{(DecimalsOf(shape) == 1 ? "" : "s")}",
    };

    /// <summary>The class of a present cell's text.</summary>
    public static int Of(ReadOnlySpan<char> text)
    {
        if (TryParse(text, out double v)) return v == Math.Round(v) ? Whole : Decimal(Math.Max(1, Decimals(text)));
        return BooleanText.Parse(text) >= 0 ? BooleanWord : Text;
    }

    /// <summary>The class of a number (NaN is missing).</summary>
    public static int OfNumber(double v)
    {
        if (double.IsNaN(v)) return Missing;
        if (!double.IsFinite(v)) return Text;
        return v == Math.Round(v) ? Whole : Decimal(Math.Max(1, Decimals(v)));
    }

    /// <summary>Parses a cell as a finite number the way the readers do (invariant culture, no thousands separators).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Decimals needed to write <paramref name="v"/> exactly, from its shortest round-trip form (37.5 → 1, 1E-05 → 5).</summary>
    public static int Decimals(double v)
    {
        Span<char> text = stackalloc char[32];
        return v.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture) ? Decimals(text[..length]) : MaxDecimals + 1;
    }

    /// <summary>
    /// Decimals of a number as written, trailing zeros dropped: digits after the point minus the
    /// exponent ("37.50" → 1, "1.25e1" → 1, "125e-2" → 2, "40.0" → 0).
    /// </summary>
    public static int Decimals(ReadOnlySpan<char> text)
    {
        int e = text.IndexOfAny('e', 'E');
        int exponent = 0;
        if (e >= 0)
        {
            if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)) return MaxDecimals + 1;
            text = text[..e];
        }
        int dot = text.IndexOf('.');
        int fraction = dot < 0 ? 0 : text[(dot + 1)..].TrimEnd('0').Length;
        return (int)Math.Clamp((long)fraction - exponent, 0, MaxDecimals + 1);
    }
}
