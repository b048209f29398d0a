using System.Runtime.InteropServices;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM. The first signal cancels <see cref="Token"/>, which the training and
/// writing loops check, so that the command unwinds and its atomic writes delete their temporary
/// files; if it has not finished after a short grace period (a loop that does not check the token),
/// every temporary file still in progress is deleted here and the process exits with code 130.
/// A second signal skips the grace period.
/// </summary>
internal static class Interrupt
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private static readonly CancellationTokenSource Source = new();
    private static readonly ManualResetEventSlim Finished = new();
    private static int _signals;

    /// <summary>Cancelled when the user interrupts the process.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>Whether an interrupt was received.</summary>
    public static bool Requested => Source.IsCancellationRequested;

    /// <summary>Handles SIGINT and SIGTERM until disposed (the process's entry point only: tests run commands in-process without it).</summary>
    public static IDisposable Install(TextWriter stderr)
    {
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, context => OnSignal(context, stderr)))
            .ToArray();
        return new Registrations(registrations);
    }

    /// <summary>Tells a pending signal handler that the command has returned and the process is exiting on its own.</summary>
    public static void Complete() => Finished.Set();

    private static void OnSignal(PosixSignalContext context, TextWriter stderr)
    {
        // The process is ended here, after the cleanup, not by the runtime's default handling.
        context.Cancel = true;
        bool first = Interlocked.Increment(ref _signals) == 1;
        if (first) Source.Cancel();
        if (first && Finished.Wait(Grace)) return;
        int removed = TemporaryFiles.Shared.DeleteAll();
        stderr.WriteLine($"dpsynth: interrupted; no output was written{(removed > 0 ? $" ({removed} temporary file{(removed == 1 ? "" : "s")} removed)" : "")}");
        stderr.Flush();
        Environment.Exit(CliErrors.Interrupted);
    }

    private sealed class Registrations(PosixSignalRegistration[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in items) r.Dispose();
        }
    }
}
