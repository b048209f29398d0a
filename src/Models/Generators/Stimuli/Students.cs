using DpSynth.Kernels;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Students: classifiers trained only on stimuli, with cross-entropy against the teacher's soft labels.</summary>
public static class Students
{
    /// <summary>Passes over the stimuli (at least <see cref="MinSteps"/> steps).</summary>
    public const double Epochs = 20;

    /// <summary>Fewest Adam steps, so that a few hundred stimuli still train a student.</summary>
    public const long MinSteps = 300;

    /// <summary>Minibatch size.</summary>
    public const int BatchSize = 64;

    /// <summary>
    /// Initial Adam learning rate, decaying linearly to 5 % of it (<see cref="DecayingAdam"/>). On the
    /// apnea study (32,000 stimuli) a constant 3e-3 for 20 epochs reached 85.5 % against 83.7 % at 1e-3 and
    /// 85.3 % at 1e-3 for 40 epochs; batches of 256 did worse (77 %), and a temperature on the soft labels
    /// gave nothing (τ = 2: 85.0 %) or hurt (τ = 0.5: 76.5 %), so there is none. Over three student seeds
    /// the decay gave 85.7/85.5/83.6 % against 86.2/82.3/82.4 % at a constant rate.
    /// </summary>
    public const float LearningRate = 3e-3f;

    /// <summary>
    /// Trains a student of <paramref name="shape"/> on <paramref name="stimuli"/> with cross-entropy
    /// against their soft labels (plain minibatch Adam; the stimuli are already a release, so no DP is
    /// needed here).
    /// </summary>
    public static Classifier Train(IComputeBackend backend, ClassifierShape shape, StimulusSet stimuli, ulong seed, CancellationToken cancellation = default)
    {
        if (stimuli.Count == 0) throw new ArgumentException("a student needs at least one stimulus");
        int batch = Math.Min(BatchSize, stimuli.Count);
        long steps = Math.Max(MinSteps, (long)Math.Ceiling(Epochs * stimuli.Count / batch));
        var options = new DpSgdOptions { Private = false, ExpectedBatchSize = batch, Steps = steps, Seed = seed };
        return Classifier.Train(backend, shape, stimuli.Values, stimuli.Width, stimuli.SoftLabels, stimuli.Classes, options,
            LearningRate, cancellation: cancellation, optimizer: new DecayingAdam(LearningRate, steps)).Classifier;
    }

    /// <summary>The classification figures of <paramref name="model"/> on scaled real windows.</summary>
    public static ClassificationMetrics Evaluate(IComputeBackend backend, Classifier model, float[] x, int[] labels) =>
        ClassificationMetrics.Of(Classifier.ArgMax(model.Probabilities(backend, x), model.Classes), labels);
}
