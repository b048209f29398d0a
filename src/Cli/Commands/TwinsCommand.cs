using System.CommandLine;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth twins`: collaborative learning with DP synthetic twins (release, analyse, study).</summary>
internal static class TwinsCommand
{
    private const string Description = """
        Collaborative learning with differentially private synthetic twins (Prediger et al. 2023):
        each party releases a twin of its table (`twins release`); an analyst combines local data
        with other parties' twins and pools the regression estimates (`twins analyse`); `twins study`
        runs the paper's multi-party experiment on the built-in clinic simulator.
        """;

    public static Command Create() => new("twins", Description)
    {
        TwinsReleaseCommand.Create(),
        TwinsAnalyseCommand.Create(),
        TwinsStudyCommand.Create(),
    };
}
