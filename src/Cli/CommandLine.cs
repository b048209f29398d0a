using System.CommandLine;
using System.CommandLine.Help;
using DpSynth.Cli.Commands;

namespace DpSynth.Cli;

/// <summary>
/// Builds the `dpsynth` command tree and runs it. Each subcommand lives in its own file under
/// Commands/ with a static <c>Create()</c>; adding a command is one file plus one line in
/// <see cref="BuildRoot"/>. What every command shares happens here, before and after it runs:
/// unknown commands get a suggestion, outputs are checked against the overwrite policy
/// (<see cref="OutputGuard"/>), and errors become one line (<see cref="CliErrors"/>).
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code for input the command refuses (bad numbers, impossible budgets, missing options).</summary>
    public const int InputError = 2;

    /// <summary>Appends the private value an error is about to its message (off by default; see <see cref="CliErrors"/>).</summary>
    public static readonly Option<bool> VerboseErrors = new("--verbose-errors")
    {
        Description = "Show the offending cell value in error messages. This REVEALS PRIVATE DATA on the terminal and in logs; without it, errors name only file, row and column.",
        Recursive = true,
    };

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand($"""
            dpsynth: differentially private synthetic twins of sensitive tables.

            {OutputGuard.PolicyText}
            Errors about a private table name its file, row and column, never a cell's value (--verbose-errors shows it).

            Example:
              dpsynth account --sample-rate 0.01 --noise-multiplier 1.1 --steps 5000 --delta 1e-5
            """);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DevicesCommand.Create());
        root.Subcommands.Add(AccountCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(FitCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(ReleaseTwinsCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(TwinsCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(StimuliCommand.Create());
        root.Options.Add(VerboseErrors);
        OutputGuard.AddForceOptions(root);
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot();
        // `dpsynth help [command]` is `dpsynth [command] --help`.
        if (args.Length > 0 && args[0] == "help") args = [.. args[1..], "--help"];
        if (CommandNames.Unknown(root, args) is { } unknown)
        {
            stderr.WriteLine($"dpsynth: {unknown}");
            return InputError;
        }
        var parse = root.Parse(args);
        // Errors get one line and exit code 2 — no usage dump — unless help was asked for.
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            stderr.WriteLine($"dpsynth: {CliErrors.OneLine(parse.Errors[0].Message)}");
            return InputError;
        }
        bool verbose = parse.GetValue(VerboseErrors);
        try
        {
            if (parse.Action is not HelpAction) OutputGuard.Check(parse);
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, stderr, verbose);
        }
    }
}

/// <summary>Input that a command refuses; reported as one line on stderr with exit code 2.</summary>
/// <param name="message">What was wrong, in the user's terms, without private values.</param>
/// <param name="inner">The error it stands for (its private value, if any, is shown with --verbose-errors).</param>
internal sealed class CliInputException(string message, Exception? inner = null) : Exception(message, inner);
