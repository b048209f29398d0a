using DpSynth.Kernels;
using DpSynth.Models.Nn;
using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// A trained softmax classifier over scaled windows: its architecture and flat weights. Networks for
/// inference or input-gradient passes are built from it on demand, for as many rows as a caller needs.
/// </summary>
public sealed class Classifier
{
    /// <summary>Wraps trained weights (checked against the architecture).</summary>
    public Classifier(ClassifierShape shape, int inputs, int classes, float[] parameters)
    {
        if (inputs < 1 || classes < 2) throw new ArgumentException($"A classifier needs inputs ≥ 1 and classes ≥ 2, got {inputs} and {classes}.");
        long expected = ParameterCount(shape, inputs, classes);
        if (parameters.Length != expected)
            throw new ArgumentException($"A {shape.Name()} classifier {inputs}→{classes} has {expected} weights, got {parameters.Length}.");
        Shape = shape;
        Inputs = inputs;
        Classes = classes;
        Parameters = parameters;
    }

    /// <summary>The architecture.</summary>
    public ClassifierShape Shape { get; }

    /// <summary>Input columns.</summary>
    public int Inputs { get; }

    /// <summary>Number of classes (softmax outputs).</summary>
    public int Classes { get; }

    /// <summary>The flat weights in the network's parameter order.</summary>
    public float[] Parameters { get; }

    /// <summary>Number of weights of a classifier of that architecture.</summary>
    public static long ParameterCount(ClassifierShape shape, int inputs, int classes)
    {
        using var backend = new Kernels.Reference.ReferenceBackend();
        return Network.DeclaredParameterLength(backend, shape.Layers(inputs, classes)) ?? -1;
    }

    /// <summary>A network holding these weights, for up to <paramref name="rows"/> rows per pass.</summary>
    public Network CreateNetwork(IComputeBackend backend, int rows)
    {
        var network = new Network(backend, Shape.Layers(Inputs, Classes), rows);
        network.WriteParameters(Parameters);
        return network;
    }

    /// <summary>Softmax probabilities (n × classes, row-major) of the scaled rows <paramref name="x"/>.</summary>
    public float[] Probabilities(IComputeBackend backend, float[] x)
    {
        int n = x.Length / Inputs;
        const int chunk = 1024;
        using var network = CreateNetwork(backend, Math.Max(1, Math.Min(chunk, n)));
        using var input = backend.Allocate(Math.Max(1, Math.Min(chunk, n)), Inputs).Storage;
        var result = new float[n * Classes];
        for (int first = 0; first < n; first += chunk)
        {
            int rows = Math.Min(chunk, n - first);
            var view = input.View(rows, Inputs);
            backend.Upload(x.AsSpan(first * Inputs, rows * Inputs), view);
            backend.Download(network.Predict(view), result.AsSpan(first * Classes, rows * Classes));
        }
        SoftmaxRows(result, Classes);
        return result;
    }

    /// <summary>Turns rows of logits into probabilities in place.</summary>
    internal static void SoftmaxRows(Span<float> logits, int classes)
    {
        for (int o = 0; o < logits.Length; o += classes)
        {
            var row = logits.Slice(o, classes);
            float max = float.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += row[k] = MathF.Exp(row[k] - max);
            for (int k = 0; k < classes; k++) row[k] = (float)(row[k] / sum);
        }
    }

    /// <summary>Index of each row's largest probability.</summary>
    public static int[] ArgMax(ReadOnlySpan<float> probabilities, int classes)
    {
        var result = new int[probabilities.Length / classes];
        for (int i = 0; i < result.Length; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            result[i] = best;
        }
        return result;
    }

    /// <summary>One-hot rows (n × classes) of integer labels.</summary>
    public static float[] OneHot(ReadOnlySpan<int> labels, int classes)
    {
        var result = new float[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++) result[i * classes + labels[i]] = 1;
        return result;
    }

    /// <summary>
    /// Trains a classifier of <paramref name="shape"/> on scaled rows <paramref name="x"/> against target
    /// distributions (one-hot labels or soft labels) with cross-entropy, by DP-SGD when
    /// <paramref name="options"/> is private (its stage spent in <paramref name="ledger"/>), else by
    /// plain minibatch Adam through the same trainer.
    /// </summary>
    public static (Classifier Classifier, TrainingRecord Record) Train(IComputeBackend backend, ClassifierShape shape, float[] x, int inputs,
        float[] targets, int classes, DpSgdOptions options, float learningRate = 1e-3f, PrivacyLedger? ledger = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var data = new ArrayBatchSource(x, inputs, targets, classes);
        var loss = new SpanCrossEntropy(new ColumnSpans([(0, classes)]));
        using var trainer = new DpSgdTrainer(backend, shape.Layers(inputs, classes), data, loss, new AdamOptimizer(learningRate), options, ledger);
        var record = trainer.Train(progress, cancellation);
        var weights = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(weights);
        return (new Classifier(shape, inputs, classes, weights), record);
    }
}
