using System.CommandLine;
using System.CommandLine.Help;
using DpSynth.Cli.Commands;

namespace DpSynth.Cli;

/// <summary>
/// Builds the `dpsynth` command tree and runs it. Each subcommand lives in its own file under
/// Commands/ with a static <c>Create()</c>; adding a command is one file plus one line in
/// <see cref="BuildRoot"/>.
/// </summary>
internal static class CommandLine
{
    /// <summary>Exit code for input the command refuses (bad numbers, impossible budgets, missing options).</summary>
    public const int InputError = 2;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("""
            dpsynth: differentially private synthetic twins of sensitive tables.

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
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(TwinsCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = BuildRoot().Parse(args);
        // Errors get one line and exit code 2 — no usage dump — unless help was asked for.
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            stderr.WriteLine($"dpsynth: {parse.Errors[0].Message}");
            return InputError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsInputError(e))
        {
            stderr.WriteLine($"dpsynth: {FirstLine(e.Message)}");
            return InputError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"dpsynth: internal error: {FirstLine(e.Message)}");
            return 1;
        }
    }

    // Refused input, not a bug: bad arguments, malformed tables, a budget that cannot be met, a file
    // that is missing or unreadable. These get one line and exit code 2.
    private static bool IsInputError(Exception e) => e is CliInputException or ArgumentException
        or Models.Tabular.TableFormatException or Models.ModelFiles.ModelFileException or Privacy.Ledger.PrivacyBudgetExceededException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}

/// <summary>Input that a command refuses; reported as one line on stderr with exit code 2.</summary>
internal sealed class CliInputException(string message) : Exception(message);
