using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Cli;

/// <summary>
/// Turns what a command threw into the one line the user sees and the exit code: 2 for input the
/// command refuses (with the file, row and column, never a private value unless --verbose-errors
/// asked for it), 130 for an interrupted run, 1 for a bug.
/// </summary>
internal static class CliErrors
{
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Writes the error line for <paramref name="e"/> to <paramref name="stderr"/> and returns the exit code.</summary>
    public static int Report(Exception e, TextWriter stderr, bool verbose)
    {
        if (e is OperationCanceledException && Interrupt.Requested)
        {
            stderr.WriteLine("dpsynth: interrupted; no output was written");
            return Interrupted;
        }
        if (!IsInputError(e))
        {
            stderr.WriteLine($"dpsynth: internal error: {OneLine(e.Message)}");
            return 1;
        }
        string line = OneLine(Message(e));
        if (PrivateValues.Find(e) is { } value)
            line += verbose ? $"; got {OneLine(value)}" : " (the value is private and not shown; --verbose-errors shows it)";
        stderr.WriteLine($"dpsynth: {line}");
        return CommandLine.InputError;
    }

    // Refused input, not a bug: bad arguments, malformed tables or model files, a budget that cannot be
    // met, a file that is missing or unreadable, a full disk, a GPU that is not there.
    private static bool IsInputError(Exception e) => e is CliInputException or ArgumentException
        or TableFormatException or ModelFileException or PrivacyBudgetExceededException or DeviceUnavailableException
        or FormulaException or GlmFitException or IOException or UnauthorizedAccessException or FitTooLargeException;

    // ArgumentException appends " (Parameter 'name')": a .NET detail, not the user's.
    private static string Message(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } p })
        {
            int at = message.IndexOf($" (Parameter '{p}')", StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
        }
        return message;
    }

    /// <summary>The first line of <paramref name="message"/>: every error is one line.</summary>
    public static string OneLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
