using System.CommandLine;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli;

/// <summary>
/// Catches a command name that does not exist (or a command group given without its command) before
/// parsing, and says what the user probably meant: `dpsynth fitt` → did you mean `fit`?
/// </summary>
internal static class CommandNames
{
    /// <summary>The one-line complaint about the command named in <paramref name="args"/>, or null when it names a command.</summary>
    public static string? Unknown(RootCommand root, string[] args)
    {
        Command command = root;
        string path = "dpsynth";
        foreach (var token in args)
        {
            if (token.StartsWith('-')) break; // options (and --help) are the parser's business
            if (command.Subcommands.Count == 0) break; // an argument of a command, not a command name
            var next = command.Subcommands.FirstOrDefault(c => c.Name == token || c.Aliases.Contains(token));
            if (next is null) return NotACommand(path, command, token);
            command = next;
            path += " " + token;
        }
        // Options (--help, --version) given to a command group are the parser's business too.
        bool options = args.Any(a => a.StartsWith('-'));
        if (command.Subcommands.Count > 0 && command.Action is null && !options)
            return $"{(command == root ? "no command given" : $"'{path}' needs a command")}; the commands are {List(command)} ({path} --help describes them)";
        return null;
    }

    private static string NotACommand(string path, Command parent, string token)
    {
        var names = parent.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        string suggestion = NearestName.Find(token, names) is { } near ? $"did you mean '{path} {near}'? " : "";
        string scope = path == "dpsynth" ? "" : path[("dpsynth ".Length)..] + " ";
        return $"'{token}' is not a {scope}command; {suggestion}the commands are {List(parent)} ({path} --help describes them)";
    }

    private static string List(Command command) => string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
}
