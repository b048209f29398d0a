using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Training;

/// <summary>The host DP-SGD trainer for per-example objectives, and the plan it shares with <see cref="DpSgdTrainer"/>.</summary>
public class PerExampleDpSgdTrainerTests
{
    /// <summary>ℓᵢ(w) = ½‖w − xᵢ‖² over fixed points xᵢ; R(w) = ½λ‖w‖². Records every batch it sees.</summary>
    private sealed class Quadratic(double[][] points, double lambda) : IPerExampleObjective
    {
        private double[] _w = [];
        public List<int[]> Batches { get; } = [];
        private List<int> _current = [];
        public int ParameterCount => points[0].Length;
        public int Records => points.Length;

        public void BeginStep(ReadOnlySpan<double> parameters, long step, NoiseKey key)
        {
            _w = parameters.ToArray();
            _current = [];
            Batches.Add([]);
        }

        public double ExampleGradient(int record, Span<double> gradient)
        {
            _current.Add(record);
            Batches[^1] = _current.ToArray();
            double loss = 0;
            for (int j = 0; j < _w.Length; j++)
            {
                gradient[j] = _w[j] - points[record][j];
                loss += 0.5 * gradient[j] * gradient[j];
            }
            return loss;
        }

        public void AddDataIndependentGradient(ReadOnlySpan<double> parameters, Span<double> gradient)
        {
            for (int j = 0; j < parameters.Length; j++) gradient[j] += lambda * parameters[j] / Records;
        }
    }

    private static double[][] Points(int n, int d, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(j => 1.0 + j + 0.3 * (random.NextDouble() - 0.5)).ToArray()).ToArray();
    }

    [Fact]
    public void ThePlanCalibratesSigmaForTheStepsAndSpendsTheStageBeforeTheFirstStep()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1, 1e-6), new RandomnessRecord(RandomnessKind.UserSeed, 5));
        var objective = new Quadratic(Points(500, 3, 1), 0.1);
        var options = new DpSgdOptions { ExpectedBatchSize = 50, Epochs = 3, ClipNorm = 1, TargetEpsilon = 1, Delta = 1e-6, Seed = 5 };
        var trainer = new PerExampleDpSgdTrainer(objective, new double[3], options, new AdamParameters(LearningRate: 0.05f), ledger);
        Assert.Equal(0.1, trainer.Plan.SampleRate, 12);
        Assert.Equal(30, trainer.Plan.TotalSteps);
        Assert.Equal(NoiseCalibrator.NoiseMultiplier(AccountantKind.Pld, 0.1, 30, 1, 1e-6), trainer.Plan.NoiseMultiplier, 12);
        Assert.Empty(ledger.Stages);
        var record = trainer.Train(untilStep: 1);
        Assert.Single(ledger.Stages); // charged in full before the first step
        Assert.Equal(1, record.StepsRun);
        trainer.Train();
        Assert.Single(ledger.Stages); // not charged twice
        Assert.InRange(ledger.TotalEpsilon, 0.9, 1.0);
        Assert.Equal(30, objective.Batches.Count);
    }

    [Fact]
    public void SamplingMatchesThePoissonSamplerOfThePlansKey()
    {
        var objective = new Quadratic(Points(200, 2, 2), 0);
        var options = new DpSgdOptions { SampleRate = 0.1, Steps = 5, NoiseMultiplier = 1, ClipNorm = 1, Delta = 1e-5, Seed = 17 };
        var trainer = new PerExampleDpSgdTrainer(objective, new double[2], options, new AdamParameters(LearningRate: 0.001f));
        trainer.Train();
        var sampler = new PoissonSampler(200, 0.1, NoiseKey.FromSeed(17));
        for (int s = 0; s < 5; s++) Assert.Equal(sampler.Sample(s).ToArray(), objective.Batches[s]);
    }

    [Fact]
    public void TheNoiseIsTheKeysGaussianStreamAtStepTimesP()
    {
        // With no examples' signal (every xᵢ = w = 0, so every gradient is 0) the first Adam step
        // moves each coordinate by −lr·sign(noise): the noise must be stream elements 0..P−1.
        var points = Enumerable.Range(0, 100).Select(_ => new double[7]).ToArray();
        var options = new DpSgdOptions { SampleRate = 0.2, Steps = 1, NoiseMultiplier = 2, ClipNorm = 1, Delta = 1e-5, Seed = 23 };
        var trainer = new PerExampleDpSgdTrainer(new Quadratic(points, 0), new double[7], options, new AdamParameters(LearningRate: 0.1f, Epsilon: 0));
        trainer.Train();
        var noise = new float[7];
        GaussianStream.Fill(NoiseKey.FromSeed(23), 0, noise);
        for (int j = 0; j < 7; j++) Assert.Equal(-0.1 * Math.Sign(noise[j]), trainer.Parameters[j], 6);
    }

    [Fact]
    public void ANonPrivateRunConvergesToTheRegularisedMean()
    {
        var points = Points(300, 3, 3);
        var objective = new Quadratic(points, 30);
        var options = new DpSgdOptions { Private = false, ExpectedBatchSize = 60, Epochs = 60, Seed = 1 };
        var trainer = new PerExampleDpSgdTrainer(objective, new double[3], options, new AdamParameters(LearningRate: 0.02f));
        var record = trainer.Train();
        Assert.False(record.Private);
        // argmin of Σ ½‖w − xᵢ‖² + ½λ‖w‖² is Σxᵢ / (N + λ).
        for (int j = 0; j < 3; j++)
            Assert.Equal(points.Sum(p => p[j]) / (300 + 30), trainer.Parameters[j], 1);
    }

    [Fact]
    public void ASeededRunIsRefusedAgainstACsprngLedger()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1, 1e-6), new RandomnessRecord(RandomnessKind.Csprng));
        var options = new DpSgdOptions { SampleRate = 0.1, Steps = 5, NoiseMultiplier = 1, ClipNorm = 1, Delta = 1e-6, Seed = 1 };
        Assert.Throws<ArgumentException>(() => new PerExampleDpSgdTrainer(new Quadratic(Points(50, 2, 1), 0), new double[2], options, new AdamParameters(LearningRate: 0.001f), ledger));
        Assert.Throws<ArgumentException>(() => new DpSgdPlan(options, 50, 1, ledger));
    }
}
