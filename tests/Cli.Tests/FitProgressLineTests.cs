using DpSynth.Cli.Commands;
using DpSynth.Models.Training;

namespace DpSynth.Cli.Tests;

/// <summary>How `fit` prints preprocessing progress: stages after ten quiet seconds, steps as before.</summary>
public sealed class FitProgressLineTests
{
    [Fact]
    public void PreprocessingStagesArePrintedWithTheirCountAndEpsilon()
    {
        var err = new StringWriter();
        var progress = new FitCommand.LineProgress(err, TimeSpan.Zero);
        progress.Report(new TrainingProgress(300, 1000, -1, double.NaN, 0.0421) { Stage = "encoding: column" });
        progress.Report(new TrainingProgress(0, 0, -1, double.NaN, 0.3) { Stage = "calibrating the noise against 52 ledger stages" });
        progress.Report(new TrainingProgress(10, 10, -1, double.NaN, 0.998));
        Assert.Equal(
            ["fit: encoding: column 300/1000  epsilon 0.042", "fit: calibrating the noise against 52 ledger stages  epsilon 0.3", "fit: step 10/10  epsilon 0.998"],
            err.ToString().TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public void AQuickPreprocessingPrintsNoStageLines()
    {
        // So that input refused during preprocessing still gives a one-line error.
        var err = new StringWriter();
        new FitCommand.LineProgress(err).Report(new TrainingProgress(1, 14, -1, double.NaN, 0.01) { Stage = "encoding: column" });
        Assert.Equal("", err.ToString());
    }
}
