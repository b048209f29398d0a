using DpSynth.Kernels;
using DpSynth.Models.Evaluation;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Binary classification figures on real windows (class 1 = event is positive).</summary>
/// <param name="Accuracy">Share of windows classified correctly.</param>
/// <param name="Sensitivity">True-positive rate.</param>
/// <param name="Specificity">True-negative rate.</param>
/// <param name="Kappa">Cohen's κ: agreement beyond chance.</param>
public sealed record ClassificationMetrics(double Accuracy, double Sensitivity, double Specificity, double Kappa)
{
    /// <summary>The figures of <paramref name="predicted"/> against <paramref name="truth"/> (labels 0/1).</summary>
    public static ClassificationMetrics Of(ReadOnlySpan<int> predicted, ReadOnlySpan<int> truth)
    {
        if (predicted.Length != truth.Length || truth.Length == 0) throw new ArgumentException("Metrics need equally many predictions and labels, at least one.");
        double tp = 0, tn = 0, fp = 0, fn = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            bool p = predicted[i] == 1, t = truth[i] == 1;
            if (p && t) tp++; else if (!p && !t) tn++; else if (p) fp++; else fn++;
        }
        double n = truth.Length, observed = (tp + tn) / n;
        double expected = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n);
        double kappa = expected >= 1 ? 0 : (observed - expected) / (1 - expected);
        return new ClassificationMetrics(observed, tp + fn > 0 ? tp / (tp + fn) : double.NaN, tn + fp > 0 ? tn / (tn + fp) : double.NaN, kappa);
    }
}

/// <summary>How well an ID classifier attributes rows to subjects.</summary>
/// <param name="TopOne">Share of rows whose top-1 subject is their true subject (NaN for stimuli, which have none).</param>
/// <param name="MeanMaxPosterior">Mean over rows of the largest subject posterior: how confidently rows are attributed to someone.</param>
/// <param name="Chance">1/S.</param>
public sealed record Reidentification(double TopOne, double MeanMaxPosterior, double Chance)
{
    /// <summary>The attribution of the scaled rows <paramref name="x"/> by <paramref name="identity"/>; with <paramref name="subjects"/> also top-1 accuracy.</summary>
    public static Reidentification Of(IComputeBackend backend, Classifier identity, float[] x, ReadOnlySpan<int> subjects = default)
    {
        var p = identity.Probabilities(backend, x);
        int s = identity.Classes, n = p.Length / s;
        double maxSum = 0, hits = 0;
        var top = Classifier.ArgMax(p, s);
        for (int i = 0; i < n; i++)
        {
            float max = 0;
            for (int k = 0; k < s; k++) max = Math.Max(max, p[i * s + k]);
            maxSum += max;
            if (!subjects.IsEmpty && top[i] == subjects[i]) hits++;
        }
        return new Reidentification(subjects.IsEmpty ? double.NaN : hits / n, maxSum / n, 1.0 / s);
    }
}

/// <summary>
/// Membership inference by the confidence attack: the score of a window is the model's probability of
/// its true label; the AUC of telling the teacher's training windows (members) from held-out windows
/// (non-members) by that score. 0.5 means the model's outputs give membership away no better than a coin.
/// </summary>
public static class MembershipInference
{
    /// <summary>AUC of the confidence attack on <paramref name="model"/>.</summary>
    public static double Auc(IComputeBackend backend, Classifier model, float[] members, int[] memberLabels, float[] nonMembers, int[] nonMemberLabels)
    {
        var pm = model.Probabilities(backend, members);
        var pn = model.Probabilities(backend, nonMembers);
        int k = model.Classes;
        var scores = new double[memberLabels.Length + nonMemberLabels.Length];
        var labels = new int[scores.Length];
        for (int i = 0; i < memberLabels.Length; i++)
        {
            scores[i] = pm[i * k + memberLabels[i]];
            labels[i] = 1;
        }
        for (int i = 0; i < nonMemberLabels.Length; i++) scores[memberLabels.Length + i] = pn[i * k + nonMemberLabels[i]];
        return RocAuc.Compute(scores, labels);
    }
}
