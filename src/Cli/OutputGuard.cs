using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace DpSynth.Cli;

/// <summary>What an output option names: one file, or a directory the command writes into.</summary>
internal enum OutputKind
{
    /// <summary>A file written whole (model, table, schema).</summary>
    File,
    /// <summary>A directory the command fills (a twins release, a study, the demo's tables).</summary>
    Directory,
}

/// <summary>
/// The one overwrite policy of every command, applied before any command runs:
/// an output that is, or (for a directory) contains, one of the command's inputs is always refused —
/// symbolic links resolved, so no spelling of a path can overwrite a private table, a schema or a model;
/// an output that already exists (a non-empty directory) is refused unless <c>--force</c> is given.
/// Commands mark their output options with <see cref="File{T}"/> or <see cref="Directory{T}"/>;
/// <see cref="AddForceOptions"/> gives each such command its <c>--force</c>.
/// </summary>
internal static class OutputGuard
{
    /// <summary>The option that allows replacing existing outputs.</summary>
    public const string ForceName = "--force";

    /// <summary>What the policy is, for the root help text and the README.</summary>
    public const string PolicyText =
        "Outputs: a command never writes over one of its inputs (symbolic links are followed), and it refuses an output that already exists unless --force is given.";

    private static readonly ConditionalWeakTable<Option, StrongBox<OutputKind>> Outputs = new();

    /// <summary>Marks <paramref name="option"/> as naming an output file; returns it.</summary>
    public static T File<T>(T option) where T : Option => Mark(option, OutputKind.File);

    /// <summary>Marks <paramref name="option"/> as naming an output directory; returns it.</summary>
    public static T Directory<T>(T option) where T : Option => Mark(option, OutputKind.Directory);

    /// <summary>Whether <paramref name="option"/> was marked as naming an output.</summary>
    public static bool IsOutput(Option option) => Outputs.TryGetValue(option, out _);

    private static T Mark<T>(T option, OutputKind kind) where T : Option
    {
        Outputs.AddOrUpdate(option, new StrongBox<OutputKind>(kind));
        return option;
    }

    /// <summary>Adds <c>--force</c> to every command under <paramref name="command"/> that has an output option and lacks one.</summary>
    public static void AddForceOptions(Command command)
    {
        bool hasOutput = command.Options.Any(o => Outputs.TryGetValue(o, out _));
        if (hasOutput && !command.Options.Any(o => o.Name == ForceName))
            command.Options.Add(new Option<bool>(ForceName) { Description = "Replace outputs that already exist (an output that is also an input is refused all the same)." });
        foreach (var sub in command.Subcommands) AddForceOptions(sub);
    }

    /// <summary>Refuses the parsed command's outputs that would overwrite an input or, without --force, an existing file.</summary>
    /// <exception cref="CliInputException">An output breaks the policy.</exception>
    public static void Check(ParseResult parse)
    {
        var command = parse.CommandResult;
        var outputs = new List<(string Path, OutputKind Kind, Option Option)>();
        foreach (var option in command.Command.Options)
            // By value, not by token: a default output name (twins study's) is checked too.
            if (Outputs.TryGetValue(option, out var kind) && parse.GetValue<string?>(option.Name) is { } path)
                outputs.Add((path, kind.Value, option));
        if (outputs.Count == 0) return;
        // Every other path on the command line that exists is something the command may read.
        var inputs = new List<(string Given, string Canonical)>();
        foreach (var child in command.Children)
        {
            if (child is OptionResult { Option: var option } && (Outputs.TryGetValue(option, out _) || option.Name == ForceName)) continue;
            foreach (var token in child.Tokens)
                if (token.Value.Length > 0 && (System.IO.File.Exists(token.Value) || System.IO.Directory.Exists(token.Value)))
                    inputs.Add((token.Value, PathIdentity.Canonical(token.Value)));
        }
        bool force = command.Command.Options.Any(o => o.Name == ForceName) && parse.GetValue<bool>(ForceName);
        foreach (var (path, kind, option) in outputs)
        {
            if (path.Length == 0) throw new CliInputException($"{option.Name}: expected a path, got an empty one");
            if (kind == OutputKind.File) CheckFile(path, force, inputs);
            else CheckDirectory(path, force, inputs);
        }
        for (int i = 0; i < outputs.Count; i++)
            for (int j = i + 1; j < outputs.Count; j++)
                if (PathIdentity.Same(PathIdentity.Canonical(outputs[i].Path), PathIdentity.Canonical(outputs[j].Path)))
                    throw new CliInputException($"{outputs[j].Path}: named for two outputs ({outputs[i].Option.Name} and {outputs[j].Option.Name})");
    }

    private static void CheckFile(string path, bool force, List<(string Given, string Canonical)> inputs)
    {
        string target = PathIdentity.Canonical(path);
        foreach (var input in inputs)
            if (PathIdentity.Same(target, input.Canonical))
                throw new CliInputException($"{path}: is an input of this command{Alias(path, input.Given)}; refusing to write over it — choose another output name");
        if (System.IO.Directory.Exists(path)) throw new CliInputException($"{path}: is a directory; expected the name of a file to write");
        // An existing file inside an input directory (a twin of a release being analysed) is read by the command.
        if (System.IO.File.Exists(path))
            foreach (var input in inputs)
                if (PathIdentity.Contains(input.Canonical, target))
                    throw new CliInputException($"{path}: lies in an input directory of this command ({input.Given}); refusing to write over it — choose another output name");
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !System.IO.Directory.Exists(parent))
            throw new CliInputException($"{path}: the directory {parent} does not exist");
        if (System.IO.File.Exists(path) && !force)
            throw new CliInputException($"{path}: already exists; use {ForceName} to replace it");
    }

    private static string Alias(string output, string input) => output == input ? "" : $" (given as {input})";

    private static void CheckDirectory(string path, bool force, List<(string Given, string Canonical)> inputs)
    {
        if (System.IO.File.Exists(path)) throw new CliInputException($"{path}: exists and is a file, not a directory");
        string target = PathIdentity.Canonical(path);
        foreach (var input in inputs)
            if (PathIdentity.Same(target, input.Canonical) || PathIdentity.Contains(target, input.Canonical))
                throw new CliInputException($"{path}: holds an input of this command ({input.Given}); refusing to write into it — choose another output directory");
        if (System.IO.Directory.Exists(path) && System.IO.Directory.EnumerateFileSystemEntries(path).Any() && !force)
            throw new CliInputException($"{path}: directory exists and is not empty; use {ForceName} to replace what it holds");
    }
}
