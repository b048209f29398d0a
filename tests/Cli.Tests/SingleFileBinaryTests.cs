using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DpSynth.Cli.Tests;

/// <summary>Runs only where the linux-x64 profile builds a binary this machine can run.</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> elsewhere.</summary>
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64) Skip = "the single-file profile tested here is linux-x64";
    }
}

/// <summary>Runs alone, after the other CLI tests: a publish keeps both cores busy for minutes, and the other tests run commands with time limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "publish";
}

/// <summary>
/// The self-contained, single-file, trimmed `dpsynth` (publish profile linux-x64) runs the demo: the
/// trimming keeps what fit, sample and evaluate need. It is published from this checkout into a
/// folder of its own (--artifacts-path), so the test touches none of the repository's build outputs.
/// </summary>
[Collection(PublishCollection.Name)]
public sealed class SingleFileBinaryTests
{
    [LinuxX64Fact]
    public void TheTrimmedSingleFileBinaryRunsTheDemo()
    {
        string dir = Directory.CreateTempSubdirectory("dpsynth-single-file-").FullName;
        try
        {
            string bin = Path.Combine(dir, "bin");
            var publish = Run("dotnet", ["publish", Path.Combine(RepositoryRoot(), "src", "Cli"), "-c", "Release", "-p:PublishProfile=linux-x64",
                "--artifacts-path", Path.Combine(dir, "build"), "-o", bin, "--disable-build-servers", "-nologo"], dir, TimeSpan.FromMinutes(30));
            Assert.True(publish.ExitCode == 0, "publish failed:\n" + Tail(publish.Output));
            Assert.Equal(["dpsynth"], Directory.GetFiles(bin).Select(Path.GetFileName));

            var demo = Run(Path.Combine(bin, "dpsynth"), ["demo", "--output-dir", Path.Combine(dir, "demo")], dir, TimeSpan.FromMinutes(10));
            Assert.True(demo.ExitCode == 0, "demo failed:\n" + Tail(demo.Output));
            Assert.Contains("demo finished", demo.Output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static (int ExitCode, string Output) Run(string file, string[] arguments, string directory, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} did not finish within {limit}");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private static string RepositoryRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));
}
