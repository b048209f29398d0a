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

    [Fact]
    public void AShortRunPrintsItsLastStepAndPricesEpsilonOnlyForIt()
    {
        var err = new StringWriter();
        var progress = new FitCommand.LineProgress(err, TimeSpan.Zero);
        var priced = new List<long>();
        for (long step = 1; step <= 32; step++)
        {
            long s = step;
            progress.Report(new TrainingProgress(step, 32, -1, double.NaN, () => { priced.Add(s); return s / 32.0; }));
        }
        Assert.Equal("fit: step 32/32  epsilon 1", err.ToString().TrimEnd());
        Assert.Equal([32L], priced);
    }

    [Fact]
    public void ALongRunPrintsALinePerTenthOfItsSteps()
    {
        var err = new StringWriter();
        var progress = new FitCommand.LineProgress(err, TimeSpan.Zero, lineInterval: TimeSpan.Zero);
        for (long step = 1; step <= 100; step++) progress.Report(new TrainingProgress(step, 100, -1, double.NaN, step / 100.0));
        var lines = err.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(11, lines.Length); // steps 1, 10, 20, ..., 100
        Assert.Equal("fit: step 100/100  epsilon 1", lines[^1]);
    }
}
