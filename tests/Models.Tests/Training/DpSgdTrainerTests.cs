using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Nn;
using DpSynth.Models.Tests.Nn;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Training;

public class DpSgdTrainerTests
{
    private const int Records = 400;

    private static ArrayBatchSource Data(int rowsPerRecord = 1)
    {
        int rows = Records * rowsPerRecord;
        return new ArrayBatchSource(TestNetworks.Uniform(rows * 5, 1), 5, TestNetworks.Uniform(rows * 3, 2), 3, rowsPerRecord);
    }

    private static Layer[] Model() => [new Linear(5, 16, Activation.ReLU), new LayerNorm(16), new SpectralNormLinear(16, 16, Activation.Tanh), new Linear(16, 3)];

    private static DpSgdOptions PrivateOptions => new()
    {
        ExpectedBatchSize = 40, Steps = 30, NoiseMultiplier = 1.1, ClipNorm = 0.5f, Delta = 1e-5, Seed = 99, Workers = 2,
    };

    private static float[] Weights(DpSgdTrainer trainer)
    {
        var host = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(host);
        return host;
    }

    [Fact]
    public void ADpStepWithoutNoiseOrClippingEqualsAPlainStep()
    {
        using var backend = new SimdBackend();
        float[] Run(GradientMode mode)
        {
            using var net = new Network(backend, Model(), 32, workers: 2, seed: 5);
            using var optimizer = new AdamOptimizer(1e-2f);
            optimizer.Bind(net.Parameters);
            using var step = new TrainingStep(net, new MeanSquaredError()) { ParallelMinFlops = 0 };
            backend.Upload(TestNetworks.Uniform(32 * 5, 1), step.Inputs);
            backend.Upload(TestNetworks.Uniform(32 * 3, 2), step.Targets);
            for (int s = 0; s < 3; s++)
            {
                step.PrepareStep();
                step.Accumulate(32, mode, float.PositiveInfinity, s);
                step.Apply(optimizer, 1f / 32, 0f, null, 0);
            }
            var w = new float[net.Parameters.Length];
            net.ReadParameters(w);
            return w;
        }
        var plain = Run(GradientMode.Direct);
        PerExampleGradientTests.AssertVectorClose(plain.Select(v => (double)v).ToArray(), Run(GradientMode.Ghost), "ghost step, σ = 0, C = ∞");
        PerExampleGradientTests.AssertVectorClose(plain.Select(v => (double)v).ToArray(), Run(GradientMode.Materialized), "materialised step, σ = 0, C = ∞");
    }

    [Fact]
    public void LedgerEpsilonEqualsTheAccountantsForTheRun()
    {
        using var backend = new SimdBackend();
        var ledger = new PrivacyLedger(new PrivacyBudget(10, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 99));
        var options = PrivateOptions with { NoiseMultiplier = null, TargetEpsilon = 3 };
        using var trainer = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(), options, ledger);
        var reports = new List<TrainingProgress>();
        var record = trainer.Train(new SynchronousProgress(reports.Add));
        double q = 40.0 / Records;
        double accountant = NoiseCalibrator.Epsilon(AccountantKind.Pld, q, trainer.NoiseMultiplier, 30, 1e-5);
        Assert.Single(ledger.Stages);
        Assert.Equal(accountant, ledger.TotalEpsilon, 9);
        Assert.Equal(accountant, record.Epsilon, 9);
        Assert.True(record.Epsilon <= 3 && record.Epsilon > 2.9, $"calibrated ε {record.Epsilon} should just meet the target 3");
        var cost = Assert.IsType<DpSynth.Privacy.SubsampledGaussianCost>(ledger.Stages[0].Cost);
        Assert.Equal((trainer.NoiseMultiplier, q, 30L), (cost.NoiseMultiplier, cost.SampleRate, cost.Steps));
        Assert.Equal(NeighbouringRelation.AddRemoveOne, ledger.Stages[0].Neighbouring);
        Assert.False(record.SecureRandomness);
        Assert.Equal(30, reports[^1].Step);
        Assert.Equal(record.Epsilon, reports[^1].Epsilon, 9);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Epsilon <= p.Second.Epsilon), "ε must grow with the steps");
    }

    [Fact]
    public void NonPrivateTrainingIsRecordedAsSuchAndLearns()
    {
        using var backend = new SimdBackend();
        var options = new DpSgdOptions { Private = false, ExpectedBatchSize = 40, Steps = 200, Seed = 3, Workers = 2, ProgressInterval = 1 };
        using var trainer = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(1e-2f), options);
        var reports = new List<TrainingProgress>();
        var record = trainer.Train(new SynchronousProgress(reports.Add));
        Assert.False(record.Private);
        Assert.Null(trainer.Stage);
        Assert.True(double.IsPositiveInfinity(record.Epsilon));
        Assert.Equal("non-private sgd", record.Mechanism);
        Assert.True(reports.Skip(reports.Count - 10).Average(r => r.Loss) < 0.8 * reports.Take(5).Average(r => r.Loss), "training should reduce the loss");
    }

    [Fact]
    public void ResumingFromACheckpointGivesTheUninterruptedWeights()
    {
        using var backend = new SimdBackend();
        using var full = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(1e-2f), PrivateOptions);
        full.Train();
        using var first = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(1e-2f), PrivateOptions);
        first.Train(untilStep: 13);
        var checkpoint = new MemoryStream();
        first.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;
        using var resumed = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(1e-2f), PrivateOptions);
        resumed.LoadCheckpoint(checkpoint);
        Assert.Equal(13, resumed.Step);
        resumed.Train();
        Assert.Equal(Weights(full), Weights(resumed));
    }

    [Fact]
    public void SeededRunsAreDeterministicAndSeedsMatter()
    {
        using var backend = new SimdBackend();
        float[] Run(ulong seed, GradientMode mode)
        {
            using var t = new DpSgdTrainer(backend, [.. Model(), new Dropout(3, 0.2f, 1)], Data(3), new MeanSquaredError(), new AdamOptimizer(1e-2f),
                PrivateOptions with { Seed = seed, PrivateMode = mode, Steps = 10 });
            t.Train();
            return Weights(t);
        }
        var a = Run(1, GradientMode.Ghost);
        Assert.Equal(a, Run(1, GradientMode.Ghost));
        Assert.NotEqual(a, Run(2, GradientMode.Ghost));
        // Ghost and materialised clipping are the same computation up to float rounding.
        PerExampleGradientTests.AssertVectorClose(a.Select(v => (double)v).ToArray(), Run(1, GradientMode.Materialized), "ghost vs materialised run");
    }

    [Fact]
    public void BatchesLargerThanTheBufferAreProcessedInChunksNotTruncated()
    {
        using var backend = new SimdBackend();
        float[] Run(double sigmas)
        {
            using var t = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(1e-2f),
                PrivateOptions with { CapacitySigmas = sigmas, Workers = 1, Steps = 5 });
            t.Train();
            return Weights(t);
        }
        // Capacity mean − 3 sd forces almost every batch into two or more chunks.
        PerExampleGradientTests.AssertVectorClose(Run(6).Select(v => (double)v).ToArray(), Run(-3), "chunked batches");
    }

    [Fact]
    public void ACappedChunkGivesTheSameStepsWithSmallerBuffers()
    {
        using var backend = new SimdBackend();
        float[] Run(int? chunk, out int capacity)
        {
            using var t = new DpSgdTrainer(backend, Model(), Data(3), new MeanSquaredError(), new AdamOptimizer(1e-2f),
                PrivateOptions with { MaxChunkExamples = chunk, Workers = 1, Steps = 5 });
            capacity = t.Network.MaxRows;
            t.Train();
            return Weights(t);
        }
        var whole = Run(null, out int wholeRows);
        var chunked = Run(7, out int chunkRows);
        Assert.Equal(7 * 3, chunkRows); // 7 examples of 3 rows: a batch of ~40 runs in ~6 chunks
        Assert.True(wholeRows > chunkRows);
        PerExampleGradientTests.AssertVectorClose(whole.Select(v => (double)v).ToArray(), chunked, "chunks of 7 examples");
    }

    [Fact]
    public void CheckpointFromOtherSettingsIsRefused()
    {
        using var backend = new SimdBackend();
        using var first = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(), PrivateOptions);
        var checkpoint = new MemoryStream();
        first.SaveCheckpoint(checkpoint);
        checkpoint.Position = 0;
        using var other = new DpSgdTrainer(backend, Model(), Data(), new MeanSquaredError(), new AdamOptimizer(), PrivateOptions with { NoiseMultiplier = 2 });
        Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(checkpoint));
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
