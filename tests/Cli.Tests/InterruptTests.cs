using System.Diagnostics;

namespace DpSynth.Cli.Tests;

/// <summary>A fact that needs POSIX signals (sent with `kill`); skipped on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> on Windows.</summary>
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs POSIX signals";
    }
}

/// <summary>
/// Ctrl-C and SIGTERM stop `dpsynth` in its own process: it exits with code 130, says so in one line,
/// and leaves neither the output nor a hidden temporary file behind.
/// </summary>
public sealed class InterruptTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-interrupt-").FullName;
    private readonly List<Process> _children = [];

    /// <summary>Kills a child a failed assertion left running (a 20,000-epoch fit would otherwise outlive the test run).</summary>
    public void Dispose()
    {
        foreach (var child in _children)
        {
            try { if (!child.HasExited) { child.Kill(entireProcessTree: true); child.WaitForExit(10_000); } }
            catch (InvalidOperationException) { }
            child.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Starts the real `dpsynth` (the assembly the tests reference) as a child process.</summary>
    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(CommandLine).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        _children.Add(process);
        return process;
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits until <paramref name="ready"/> holds (the command is mid-write), failing after a minute.</summary>
    private static void WaitFor(Func<bool> ready, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!ready())
        {
            Assert.False(process.HasExited, $"dpsynth ended (exit code {(process.HasExited ? process.ExitCode : 0)}) before it could be interrupted");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "dpsynth did not start writing within a minute");
            Thread.Sleep(20);
        }
    }

    private static string Finish(Process process)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "dpsynth did not exit within a minute of the signal");
        return stderr.Result;
    }

    [UnixFact]
    public void SigtermWhileSamplingLeavesNeitherOutputNorTemporaryFile() => InterruptSampling("TERM");

    [UnixFact]
    public void CtrlCWhileSamplingLeavesNeitherOutputNorTemporaryFile() => InterruptSampling("INT");

    private void InterruptSampling(string signal)
    {
        string output = Path.Combine(_dir, "big.csv");
        var process = Start("sample", fixture.Model, "--rows", "50000000", "--seed", "1", "--device", "cpu", "-o", output);
        WaitFor(() => Directory.EnumerateFiles(_dir, ".big.csv.*.tmp").Any(), process);
        Signal(process, signal);
        string stderr = Finish(process);
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("dpsynth: interrupted", stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [UnixFact]
    public void SigtermWhileFittingWritesNoModel()
    {
        string model = Path.Combine(_dir, "m.dpsynth");
        var process = Start("fit", fixture.Table, "--schema", fixture.Schema, "--epsilon", "1", "--epochs", "20000", "--preset", "paper", "--device", "cpu", "-o", model);
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.StandardOutput.ReadToEndAsync();
        WaitFor(() => { lock (stderr) return stderr.ToString().Contains("fit: step"); }, process);
        Signal(process, "TERM");
        Assert.True(process.WaitForExit(60_000), "dpsynth did not exit within a minute of the signal");
        Assert.Equal(130, process.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
