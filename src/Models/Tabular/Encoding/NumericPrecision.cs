namespace DpSynth.Models.Tabular;

/// <summary>Rounding of decoded continuous values to a column's decimals, and checks of the loaded settings.</summary>
internal static class NumericPrecision
{
    /// <summary>
    /// <paramref name="x"/> rounded to <paramref name="decimals"/> decimals, stepping one unit inwards
    /// when rounding would leave [<paramref name="lower"/>, <paramref name="upper"/>] (and clamping
    /// when the range is narrower than one unit).
    /// </summary>
    public static double RoundWithin(double x, int decimals, double lower, double upper)
    {
        double r = Math.Round(x, decimals, MidpointRounding.AwayFromZero);
        double unit = Math.Pow(10, -decimals);
        if (r > upper) r = Math.Round(r - unit, decimals, MidpointRounding.AwayFromZero);
        if (r < lower) r = Math.Round(r + unit, decimals, MidpointRounding.AwayFromZero);
        return Math.Clamp(r, lower, upper);
    }

    /// <summary>Throws <see cref="FormatException"/> when loaded rounding or imputation settings are invalid.</summary>
    public static void Validate(string column, int? decimals, double? imputed)
    {
        if (decimals is < 0 or > TableSchemaJson.MaxPrecision)
            throw new FormatException($"numeric encoder for column {column} has {decimals} decimals (expected 0 to {TableSchemaJson.MaxPrecision})");
        if (imputed is double v && !double.IsFinite(v))
            throw new FormatException($"numeric encoder for column {column} imputes a non-finite value");
    }
}
