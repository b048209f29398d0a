namespace DpSynth.Cli.Tests;

/// <summary>Runs `dpsynth` in-process and captures its exit code, stdout and stderr.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a space-separated command line (no quoting needed in tests).</summary>
    public static (int Code, string Out, string Err) Line(string commandLine)
        => Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
