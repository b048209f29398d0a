using DpSynth.Kernels;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Students: classifiers trained only on stimuli, with cross-entropy against the teacher's soft labels.</summary>
public static class Students
{
    /// <summary>
    /// Trains a student of <paramref name="shape"/> on <paramref name="stimuli"/> (plain minibatch Adam;
    /// the stimuli are already a release, so no DP is needed here): at least 40 epochs and 300 steps.
    /// </summary>
    public static Classifier Train(IComputeBackend backend, ClassifierShape shape, StimulusSet stimuli, ulong seed, CancellationToken cancellation = default)
    {
        if (stimuli.Count == 0) throw new ArgumentException("a student needs at least one stimulus");
        int batch = Math.Min(64, stimuli.Count);
        long steps = Math.Max(300, (long)Math.Ceiling(40.0 * stimuli.Count / batch));
        var options = new DpSgdOptions { Private = false, ExpectedBatchSize = batch, Steps = steps, Seed = seed };
        return Classifier.Train(backend, shape, stimuli.Values, stimuli.Width, stimuli.SoftLabels, stimuli.Classes, options,
            cancellation: cancellation).Classifier;
    }

    /// <summary>The classification figures of <paramref name="model"/> on scaled real windows.</summary>
    public static ClassificationMetrics Evaluate(IComputeBackend backend, Classifier model, float[] x, int[] labels) =>
        ClassificationMetrics.Of(Classifier.ArgMax(model.Probabilities(backend, x), model.Classes), labels);
}
