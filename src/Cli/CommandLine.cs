namespace DpSynth.Cli;

/// <summary>Builds the `dpsynth` command tree.</summary>
internal static class CommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("dpsynth: no commands yet");
        return 2;
    }
}
