using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Simulation;
using DpSynth.Models.Training;
using Xunit;

namespace DpSynth.Models.Tests.Generators.Stimuli;

/// <summary>The acceptance loop against a small teacher trained on simulated windows (shared by the tests).</summary>
public sealed class SmallTeacherFixture
{
    public SmallTeacherFixture()
    {
        var w = ApneaSimulator.Simulate(new ApneaSimulatorOptions(6, 60, 4));
        Scaling = WindowScaling.FromBounds(ApneaSimulator.ColumnBounds());
        using var backend = new SimdBackend();
        var plain = new DpSgdOptions { Private = false, ExpectedBatchSize = 32, Epochs = 5, Seed = 2 };
        var x = Scaling.Apply(w.Values);
        Teacher = Classifier.Train(backend, ClassifierShape.Mlp, x, 240, Classifier.OneHot(w.Labels, 2), 2, plain).Classifier;
        Identity = Classifier.Train(backend, ClassifierShape.Mlp, x, 240, Classifier.OneHot(w.Subjects, 6), 6, plain).Classifier;
    }

    public WindowScaling Scaling { get; }
    public Classifier Teacher { get; }
    public Classifier Identity { get; }
}

public sealed class StimulusSearchTests(SmallTeacherFixture fixture) : IClassFixture<SmallTeacherFixture>
{
    [Fact]
    public void AcceptedStimuliPassTheirThresholdAndCarryTheTeachersSoftmax()
    {
        using var backend = new SimdBackend();
        var options = new StimulusSearchOptions { Count = 60, Lanes = 16, Seed = 5, Workers = 1 };
        var (stimuli, summary) = StimulusSearch.Run(backend, fixture.Teacher, null, fixture.Scaling.Limit, options);
        Assert.True(summary.Completed);
        Assert.Equal(60, stimuli.Count);
        // Recompute the teacher's softmax on the stored stimuli: it must be the stored soft label and pass T.
        var p = fixture.Teacher.Probabilities(backend, stimuli.Values);
        for (int i = 0; i < stimuli.Count; i++)
        {
            Assert.Equal(1f, stimuli.SoftLabels[2 * i] + stimuli.SoftLabels[2 * i + 1], 4);
            Assert.Equal(p[2 * i + stimuli.TargetClasses[i]], stimuli.SoftLabels[2 * i + stimuli.TargetClasses[i]], 3);
            Assert.True(stimuli.SoftLabels[2 * i + stimuli.TargetClasses[i]] > stimuli.Thresholds[i]);
            Assert.InRange(stimuli.Thresholds[i], 0.75f, 0.9999f);
        }
        Assert.All(stimuli.Values, v => Assert.InRange(v, -1f, 1f)); // the generators' outputs stay within the scaling's limit
        Assert.Contains(0, stimuli.TargetClasses);
        Assert.Contains(1, stimuli.TargetClasses);
    }

    [Fact]
    public void SeededSearchIsReproducibleAndLanesSplitOverWorkersAgree()
    {
        using var backend = new SimdBackend();
        var one = StimulusSearch.Run(backend, fixture.Teacher, null, 1f, new StimulusSearchOptions { Count = 30, Lanes = 8, Seed = 11, Workers = 1 }).Stimuli;
        var two = StimulusSearch.Run(backend, fixture.Teacher, null, 1f, new StimulusSearchOptions { Count = 30, Lanes = 8, Seed = 11, Workers = 2 }).Stimuli;
        Assert.Equal(one.Values, two.Values);
        Assert.Equal(one.SoftLabels, two.SoftLabels);
    }

    [Fact]
    public void InhibitionNeedsTheIdentityClassifierAndChangesTheStimuli()
    {
        using var backend = new SimdBackend();
        Assert.Throws<ArgumentException>(() => StimulusSearch.Run(backend, fixture.Teacher, null, 1f, new StimulusSearchOptions { Count = 5, InhibitIdentity = 1 }));
        var plain = StimulusSearch.Run(backend, fixture.Teacher, fixture.Identity, 1f, new StimulusSearchOptions { Count = 30, Lanes = 8, Seed = 3, ThresholdLow = 0.99, ThresholdHigh = 0.9999 }).Stimuli;
        var inhibited = StimulusSearch.Run(backend, fixture.Teacher, fixture.Identity, 1f, new StimulusSearchOptions { Count = 30, Lanes = 8, Seed = 3, ThresholdLow = 0.99, ThresholdHigh = 0.9999, InhibitIdentity = 5 }).Stimuli;
        Assert.NotEqual(plain.Values, inhibited.Values);
    }

    [Fact]
    public void ExcitedStimuliAreAttributedConfidentlyByTheIdentityClassifier()
    {
        // The positive control's search: every accepted stimulus has the ID classifier's largest
        // posterior at the level or above (3 × chance of 1/6 = 0.5).
        using var backend = new SimdBackend();
        var options = new StimulusSearchOptions { Count = 20, Lanes = 8, Seed = 4, InhibitIdentity = 1, ExciteIdentity = true, IdentityAcceptance = 3 };
        var (excited, summary) = StimulusSearch.Run(backend, fixture.Teacher, fixture.Identity, 1f, options);
        Assert.True(excited.Count > 0, $"none accepted ({summary.Reinitialisations} re-initialisations)");
        var q = fixture.Identity.Probabilities(backend, excited.Values);
        for (int i = 0; i < excited.Count; i++) Assert.True(q.Skip(6 * i).Take(6).Max() >= 0.5f - 1e-3f);
        Assert.Throws<ArgumentException>(() => new StimulusSearchOptions { ExciteIdentity = true, InhibitIdentity = 1 }.Validate());
        Assert.Throws<ArgumentException>(() => new StimulusSearchOptions { ExciteIdentity = true, IdentityAcceptance = 3 }.Validate());
    }

    [Fact]
    public void OneGeneratorStepLowersTheCrossEntropyOfItsClass()
    {
        // A single lane with an impossible threshold keeps stepping: the target class's probability must rise.
        using var backend = new SimdBackend();
        var options = new StimulusSearchOptions { Count = 1, Lanes = 1, Seed = 1, ThresholdLow = 0.999999, ThresholdHigh = 0.999999, MaxSteps = 50, MaxFailuresPerStimulus = 1 };
        using var lanes = new GeneratorLanes(backend, 1, 16, 64, 240, 1f, 1e-2f, 1);
        var random = new DpSynth.Models.Generators.Dpvi.ChaChaUniforms(DpSynth.Kernels.Random.NoiseKey.FromSeed(1));
        lanes.Reinitialise(0, random);
        lanes.DrawLatent(0, random);
        using var net = fixture.Teacher.CreateNetwork(backend, 1);
        var pass = new DpSynth.Models.Nn.BatchPass(0, 1, 1, 0, false, DpSynth.Models.Nn.GradientMode.Direct, null);
        float Probability()
        {
            lanes.Forward();
            var logits = new float[2];
            backend.Download(net.Forward(lanes.Output, pass), logits);
            Classifier.SoftmaxRows(logits, 2);
            return logits[1];
        }
        float before = Probability();
        using var d = backend.Allocate(1, 2).Storage;
        for (int step = 0; step < 20; step++)
        {
            float p1 = Probability();
            backend.Upload([1 - p1, p1 - 1], d.View(1, 2)); // ∂CE(class 1)/∂logits = p − onehot
            lanes.Step(net.BackwardToInput(d.View(1, 2), pass), [true]);
        }
        Assert.True(Probability() > before, "20 Adam steps did not raise the target class's probability");
        Assert.NotNull(options);
    }
}
