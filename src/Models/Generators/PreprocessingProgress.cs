using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators;

/// <summary>Progress of a fit's preprocessing stages (encoder fit, encoding), which can take minutes on a wide table.</summary>
internal static class PreprocessingProgress
{
    /// <summary>Preprocessing progress as lines of <paramref name="progress"/>: done/total of a stage, with the ledger's ε so far.</summary>
    public static IProgress<int>? For(IProgress<TrainingProgress>? progress, string stage, int total, PrivacyLedger ledger)
    {
        if (progress is null) return null;
        // At most about ten reports per stage (one per tenth done), so that a wide table shows it is
        // moving without flooding the output.
        int lastTenth = -1;
        return new Progress(done =>
        {
            int tenth = (int)(10L * done / Math.Max(1, total));
            if (tenth == lastTenth && done != total) return;
            lastTenth = tenth;
            progress.Report(new TrainingProgress(done, total, -1, double.NaN, ledger.TotalEpsilon) { Stage = stage });
        });
    }

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
