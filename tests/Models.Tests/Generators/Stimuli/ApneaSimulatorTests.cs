using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Simulation;
using DpSynth.Models.Training;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

public sealed class ApneaSimulatorTests
{
    [Fact]
    public void SameSeedGivesSameWindowsAndOtherSeedDiffers()
    {
        var a = ApneaSimulator.Simulate(new ApneaSimulatorOptions(4, 20, 7));
        var b = ApneaSimulator.Simulate(new ApneaSimulatorOptions(4, 20, 7));
        var c = ApneaSimulator.Simulate(new ApneaSimulatorOptions(4, 20, 8));
        Assert.Equal(a.Values, b.Values);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Values, c.Values);
        Assert.Equal(80, a.Count);
        Assert.Equal(240, a.Width);
    }

    [Fact]
    public void EventWindowsHaveLessFlowAndLowerSaturationThanQuietOnes()
    {
        var w = ApneaSimulator.Simulate(new ApneaSimulatorOptions(10, 100, 3));
        double FlowPower(int i) => Enumerable.Range(120, 60).Average(j => (double)w.Values[i * 240 + j] * w.Values[i * 240 + j]);
        double MinSpO2(int i) => Enumerable.Range(180, 60).Min(j => w.Values[i * 240 + j]);
        var events = Enumerable.Range(0, w.Count).Where(i => w.Labels[i] == 1).ToArray();
        var quiet = Enumerable.Range(0, w.Count).Where(i => w.Labels[i] == 0).ToArray();
        Assert.InRange(events.Length / (double)w.Count, 0.3, 0.7);
        double flowEvents = events.Average(FlowPower), flowQuiet = quiet.Average(FlowPower);
        double spo2Events = events.Average(MinSpO2), spo2Quiet = quiet.Average(MinSpO2);
        Assert.True(flowEvents < 0.9 * flowQuiet, $"flow power {flowEvents} vs {flowQuiet}");
        Assert.True(spo2Events < spo2Quiet - 0.5, $"lowest SpO2 {spo2Events} vs {spo2Quiet}");
        // SpO₂ is reported in whole percent within physiological bounds.
        foreach (int i in events.Take(20))
            for (int j = 180; j < 240; j++)
            {
                float v = w.Values[i * 240 + j];
                Assert.Equal(MathF.Round(v), v);
                Assert.InRange(v, 60, 100);
            }
    }

    [Fact]
    public void SplitKeepsEverySubjectInBothParts()
    {
        var w = ApneaSimulator.Simulate(new ApneaSimulatorOptions(5, 40, 1));
        var (train, test) = w.Split(0.2, 9);
        Assert.Equal(w.Count, train.Count + test.Count);
        Assert.Equal(40, test.Count);
        for (int s = 0; s < 5; s++)
        {
            Assert.Equal(8, test.Subjects.Count(x => x == s));
            Assert.Equal(32, train.Subjects.Count(x => x == s));
        }
    }

    [Fact]
    public void TeacherLearnsTheTaskAndSubjectsAreReidentifiable()
    {
        // The calibration the anonymisation test rests on: the task is learnable but not trivial, and
        // subjects can be told apart from real windows far above chance.
        var w = ApneaSimulator.Simulate(new ApneaSimulatorOptions(10, 150, 2));
        var (train, test) = w.Split(0.2, 2);
        var scaling = WindowScaling.FromBounds(ApneaSimulator.ColumnBounds());
        var x = scaling.Apply(train.Values);
        var testX = scaling.Apply(test.Values);
        using var backend = new SimdBackend();
        var plain = new DpSgdOptions { Private = false, ExpectedBatchSize = 64, Epochs = 20, Seed = 1 };
        var teacher = Classifier.Train(backend, ClassifierShape.Mlp, x, 240, Classifier.OneHot(train.Labels, 2), 2, plain).Classifier;
        var metrics = Students.Evaluate(backend, teacher, testX, test.Labels);
        Assert.InRange(metrics.Accuracy, 0.78, 0.97);
        var identity = Classifier.Train(backend, ClassifierShape.Mlp, x, 240, Classifier.OneHot(train.Subjects, 10), 10, plain).Classifier;
        var reid = Reidentification.Of(backend, identity, testX, test.Subjects);
        Assert.True(reid.TopOne > 5 * reid.Chance, $"top-1 {reid.TopOne} is not 5x chance {reid.Chance}");
    }
}

public sealed class WindowSubsetTests
{
    [Fact]
    public void OfSubjectsKeepsTheirWindowsAndRenumbersThemInListOrder()
    {
        var w = ApneaSimulator.Simulate(new ApneaSimulatorOptions(5, 4, 3));
        var part = w.OfSubjects([3, 1]);
        Assert.Equal(2, part.SubjectCount);
        Assert.Equal(8, part.Count);
        // Rows keep their order: subject 1's four windows (now 1) come before subject 3's (now 0).
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], part.Subjects);
        Assert.Equal(w.Row(4).ToArray(), part.Row(0).ToArray());
        Assert.Equal(w.Row(12).ToArray(), part.Row(4).ToArray());
        Assert.Equal(w.Labels[12], part.Labels[4]);
        Assert.Throws<ArgumentException>(() => w.OfSubjects([1, 1]));
        Assert.Throws<ArgumentException>(() => w.OfSubjects([5]));
    }
}
