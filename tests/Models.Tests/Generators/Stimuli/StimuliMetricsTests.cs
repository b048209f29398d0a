using DpSynth.Models.Generators.Stimuli;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

public sealed class StimuliMetricsTests
{
    [Fact]
    public void ConfusionFiguresMatchHandCountedValues()
    {
        // tp = 3, fn = 1, tn = 4, fp = 2 → accuracy 0.7, sensitivity 0.75, specificity 2/3;
        // expected agreement pe = (5·4 + 5·6)/100 = 0.5, κ = (0.7 − 0.5)/0.5 = 0.4.
        int[] truth = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
        int[] predicted = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1];
        var m = ClassificationMetrics.Of(predicted, truth);
        Assert.Equal(0.7, m.Accuracy, 12);
        Assert.Equal(0.75, m.Sensitivity, 12);
        Assert.Equal(2.0 / 3, m.Specificity, 12);
        Assert.Equal(0.4, m.Kappa, 12);
    }

    [Fact]
    public void PerfectAgreementHasKappaOneAndChanceAgreementNearZero()
    {
        int[] truth = [0, 1, 0, 1, 1, 0];
        Assert.Equal(1.0, ClassificationMetrics.Of(truth, truth).Kappa, 12);
        int[] allOnes = [1, 1, 1, 1, 1, 1];
        Assert.Equal(0.0, ClassificationMetrics.Of(allOnes, truth).Kappa, 12);
    }

    [Fact]
    public void ScalingRoundTripsAndClampsToPublicBounds()
    {
        var scaling = WindowScaling.FromBounds([(0, 10), (80, 100)]);
        var scaled = scaling.Apply([5f, 90f, 20f, 70f]);
        Assert.Equal([0f, 0f, 1f, -1f], scaled);
        Assert.Equal([5f, 90f], scaling.Invert(scaled.AsSpan(0, 2)));
        Assert.True(scaling.FromPublicBounds);
    }
}
