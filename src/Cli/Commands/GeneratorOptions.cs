using System.CommandLine;
using System.Globalization;
using DpSynth.Models.Generators;

namespace DpSynth.Cli.Commands;

/// <summary>
/// The options that choose a generator and its settings, shared by `fit`, `twins release` and
/// `twins study`: the kind (from <see cref="GeneratorRegistry"/>), <c>--set key=value</c> for any
/// setting, and shorthands for common settings (<c>--preset</c>, <c>--epochs</c>, <c>--outcome</c>,
/// <c>--family</c>). A shorthand the chosen generator does not take is refused naming the option.
/// </summary>
internal sealed class GeneratorOptions
{
    private readonly Option<string> _kind;
    private readonly Option<string[]> _set = new("--set")
    {
        Description = "A generator setting key=value (repeatable); `dpsynth models` lists each generator's settings.",
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly List<(Option Option, string Key)> _shorthands = [];

    /// <summary>Creates the kind option (named <paramref name="name"/>, default <paramref name="defaultKind"/>) and <c>--set</c>.</summary>
    public GeneratorOptions(string name, string defaultKind, string description)
    {
        _kind = new Option<string>(name) { Description = $"{description}: {GeneratorRegistry.Kinds} (default {defaultKind}; `dpsynth models` describes them).", DefaultValueFactory = _ => defaultKind };
    }

    /// <summary>Adds a text shorthand for the setting <paramref name="key"/>.</summary>
    public GeneratorOptions Text(string name, string key, string description)
    {
        _shorthands.Add((new Option<string?>(name) { Description = description }, key));
        return this;
    }

    /// <summary>Adds a numeric shorthand for the setting <paramref name="key"/>.</summary>
    public GeneratorOptions Number(string name, string key, string description)
    {
        _shorthands.Add((NumberOptions.Double(name, description), key));
        return this;
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_kind);
        foreach (var (option, _) in _shorthands) command.Options.Add(option);
        command.Options.Add(_set);
    }

    /// <summary>The option naming the kind (for messages).</summary>
    public string KindOption => _kind.Name;

    /// <summary>The chosen generator and its settings; one-line refusals for an unknown kind or a shorthand it does not take.</summary>
    public (Generator Generator, GeneratorSettings Settings) Read(ParseResult parse)
    {
        string kind = parse.GetValue(_kind)!;
        var generator = GeneratorRegistry.Find(kind)
            ?? throw new CliInputException($"{_kind.Name}: '{kind}' is not a generator; the generators are: {GeneratorRegistry.Kinds}");
        GeneratorSettings settings;
        try { settings = GeneratorSettings.Parse(parse.GetValue(_set) ?? []); }
        catch (ArgumentException e) { throw new CliInputException(e.Message); }
        foreach (var (option, key) in _shorthands)
        {
            string? value = option switch
            {
                Option<string?> text => parse.GetValue(text),
                Option<double?> number => parse.GetValue(number) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : null,
                _ => throw new InvalidOperationException($"unexpected option type for {option.Name}"),
            };
            if (value is null) continue;
            if (!generator.Settings.Any(s => s.Name == key))
                throw new CliInputException($"{option.Name} does not apply to {generator.Kind} ({SettingsOf(generator)})");
            try { settings = settings.With(key, value); }
            catch (ArgumentException) { throw new CliInputException($"{option.Name} and --set {key}=... give the same setting twice"); }
        }
        return (generator, settings);
    }

    /// <summary>"its settings: a, b" or "it has no settings".</summary>
    public static string SettingsOf(Generator generator) =>
        generator.Settings.Count == 0 ? "it has no settings" : $"its settings: {string.Join(", ", generator.Settings.Select(s => s.Name))}";
}
