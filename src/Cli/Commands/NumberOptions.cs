using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace DpSynth.Cli.Commands;

/// <summary>Numeric options that parse with the invariant culture and reject non-numbers in one clear line.</summary>
internal static class NumberOptions
{
    public static Option<double?> Double(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse<double>(result, name, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null),
    };

    public static Option<long?> Long(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse<long>(result, name, s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null),
    };

    private static T? Parse<T>(ArgumentResult result, string name, Func<string, T?> parse) where T : struct
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var value = parse(token);
        if (value is null) result.AddError($"{name}: '{token}' is not a valid {(typeof(T) == typeof(long) ? "integer" : "number")}");
        return value;
    }
}
