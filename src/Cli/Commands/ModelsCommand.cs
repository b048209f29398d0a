using System.CommandLine;
using DpSynth.Models.Generators;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth models`: the generator kinds of the registry, one line each, with their settings.</summary>
internal static class ModelsCommand
{
    private const string Description = """
        List the generators `fit --model`, `twins release --generator` and `twins study --generator`
        accept, one line each, followed by the settings each takes (give them as --set key=value).

        Example:
          dpsynth models
        """;

    public static Command Create()
    {
        var command = new Command("models", Description);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var generator in GeneratorRegistry.All)
            {
                output.WriteLine(Line(generator));
                foreach (var setting in generator.Settings) output.WriteLine($"    {setting.Name,-12} {setting.Description}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>"kind  description", the kind padded so that the descriptions line up.</summary>
    public static string Line(Generator generator) =>
        $"{generator.Kind.PadRight(GeneratorRegistry.All.Max(g => g.Kind.Length) + 2)}{generator.Description}";

    /// <summary>The kinds one line each, indented, for help texts.</summary>
    public static string HelpList() => string.Join(Environment.NewLine, GeneratorRegistry.All.Select(g => "  " + Line(g)));
}
