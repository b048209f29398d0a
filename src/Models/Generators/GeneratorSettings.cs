using System.Globalization;

namespace DpSynth.Models.Generators;

/// <summary>
/// Generator-specific settings as text, e.g. TableDiffusion's <c>preset=paper</c> or DPVI's
/// <c>family=logistic</c> (the CLI's <c>--set key=value</c> and its shorthands like <c>--preset</c>).
/// Each generator reads the keys it knows through a <see cref="SettingsReader"/>, which refuses a
/// key the generator does not take with one line naming the known ones, so that the commands need
/// not know any generator's options.
/// </summary>
public sealed class GeneratorSettings
{
    private readonly Dictionary<string, string> _values;

    private GeneratorSettings(Dictionary<string, string> values) => _values = values;

    /// <summary>No settings: every generator's defaults.</summary>
    public static GeneratorSettings Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The settings as key → text.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>These settings plus <paramref name="key"/> = <paramref name="value"/>; a key given twice is refused.</summary>
    /// <exception cref="ArgumentException">The key is empty or already set.</exception>
    public GeneratorSettings With(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Length == 0) throw new ArgumentException("a generator setting needs a name (key=value)");
        if (_values.ContainsKey(key)) throw new ArgumentException($"the generator setting '{key}' is given twice");
        return new GeneratorSettings(new Dictionary<string, string>(_values, StringComparer.Ordinal) { [key] = value });
    }

    /// <summary>These settings plus a number, written invariantly.</summary>
    public GeneratorSettings With(string key, double value) => With(key, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Parses <c>key=value</c> texts (the CLI's <c>--set</c>).</summary>
    /// <exception cref="ArgumentException">A text is not key=value, or a key is given twice.</exception>
    public static GeneratorSettings Parse(IEnumerable<string> pairs)
    {
        var settings = Empty;
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--set: '{pair}' is not key=value");
            settings = settings.With(pair[..eq].Trim(), pair[(eq + 1)..].Trim());
        }
        return settings;
    }
}

/// <summary>A setting a generator takes: its name and a one-line description (for <c>dpsynth models</c> and refusals).</summary>
/// <param name="Name">The key, e.g. "preset".</param>
/// <param name="Description">What it sets and its values, one line.</param>
public sealed record GeneratorSetting(string Name, string Description);

/// <summary>
/// Reads one generator's <see cref="GeneratorSettings"/>: typed getters with one-line errors naming
/// the generator, the key and what was expected; <see cref="Finish"/> refuses any key not read.
/// </summary>
/// <param name="kind">The generator kind, for messages.</param>
/// <param name="settings">The settings given.</param>
/// <param name="known">The settings the generator takes.</param>
public sealed class SettingsReader(string kind, GeneratorSettings settings, IReadOnlyList<GeneratorSetting> known)
{
    /// <summary>The text of <paramref name="key"/>, or null when not given.</summary>
    public string? Text(string key)
    {
        if (!known.Any(s => s.Name == key)) throw new InvalidOperationException($"{kind} reads the undeclared setting '{key}'");
        return settings.Values.TryGetValue(key, out string? v) ? v : null;
    }

    /// <summary>A positive finite number, or null when not given.</summary>
    public double? Positive(string key)
    {
        if (Text(key) is not string text) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)) return v;
        throw Bad(key, "a positive number", text);
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or null when not given.</summary>
    public int? Int(string key, int min, int max)
    {
        if (Text(key) is not string text) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max) return v;
        throw Bad(key, $"a whole number in {min}..{max}", text);
    }

    /// <summary>One of <paramref name="choices"/>, or null when not given.</summary>
    public string? Choice(string key, params string[] choices)
    {
        if (Text(key) is not string text) return null;
        return choices.Contains(text, StringComparer.Ordinal) ? text : throw Bad(key, string.Join(" or ", choices), text);
    }

    /// <summary>Refuses every given key that the generator does not take.</summary>
    /// <exception cref="ArgumentException">A key is unknown.</exception>
    public void Finish()
    {
        foreach (string key in settings.Values.Keys)
            if (!known.Any(s => s.Name == key))
                throw new ArgumentException(known.Count == 0
                    ? $"{kind} takes no setting '{key}' (it has no settings)"
                    : $"{kind} takes no setting '{key}' (its settings: {string.Join(", ", known.Select(s => s.Name))})");
    }

    private ArgumentException Bad(string key, string expected, string got) => new($"{kind} setting {key}: expected {expected}, got '{got}'");
}
