using System.CommandLine;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth twins`: collaborative learning with DP synthetic twins (release, analyse).</summary>
internal static class TwinsCommand
{
    private const string Description = """
        Collaborative learning with differentially private synthetic twins (Prediger et al. 2023):
        each party releases a twin of its table (`twins release`); an analyst combines local data
        with other parties' twins and pools the regression estimates (`twins analyse`).
        """;

    public static Command Create() => new("twins", Description)
    {
        TwinsReleaseCommand.Create(),
        TwinsAnalyseCommand.Create(),
    };
}
