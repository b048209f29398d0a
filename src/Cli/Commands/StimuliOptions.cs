using System.Globalization;

namespace DpSynth.Cli.Commands;

/// <summary>Option parsing shared by the stimuli commands.</summary>
internal static class StimuliOptions
{
    /// <summary>Comma-separated finite numbers, refused in one line naming the option.</summary>
    public static double[] Numbers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new CliInputException($"{option}: expected comma-separated numbers, got nothing");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new CliInputException($"{option}: '{p}' is not a number")).ToArray();
    }
}
