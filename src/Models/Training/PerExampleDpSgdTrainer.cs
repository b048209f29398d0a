using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Training;

/// <summary>
/// DP-SGD on the host for small models written as an <see cref="IPerExampleObjective"/> (hand-derived
/// per-example gradients, e.g. the DPVI twin generator): per step a Poisson batch, each example's
/// gradient clipped to C as one vector, the sum plus N(0, (σC)²) noise divided by the expected batch
/// size q·N, then the data-independent gradient ∇R/N added without clipping or noise, and an Adam
/// step — all in double precision.
/// </summary>
/// <remarks>
/// Privacy-critical choices (q, steps, σ calibrated for exactly those steps, the ledger stage spent
/// before the first step, the key, the seeded-vs-CSPRNG check) come from the same
/// <see cref="DpSgdPlan"/> as <see cref="DpSgdTrainer"/>'s. Noise element j of step s is element
/// s·P + j of the key's ChaCha20 Gaussian stream. Non-private runs use the same sampler and divisor
/// with neither clipping nor noise.
/// </remarks>
public sealed class PerExampleDpSgdTrainer
{
    private readonly IPerExampleObjective _objective;
    private readonly AdamParameters _adam;
    private readonly PoissonSampler _sampler;
    private readonly double[] _parameters, _gradient, _example, _first, _second;
    private readonly float[] _noise;
    private readonly NoiseKey _objectiveKey;

    /// <summary>The stream of the run's key handed to the objective for its own randomness (reparameterisation draws).</summary>
    public const ulong ObjectiveStream = NoiseStreams.Objective;

    /// <summary>Plans the run (σ calibrated before any data is read) and takes the initial parameters.</summary>
    /// <param name="objective">The per-example objective.</param>
    /// <param name="initial">Initial parameters (copied; chosen without private data).</param>
    /// <param name="options">Run settings; <see cref="DpSgdOptions.PrivateMode"/> and <see cref="DpSgdOptions.Workers"/> are not used.</param>
    /// <param name="adam">Adam's hyper-parameters (weight decay must be 0).</param>
    /// <param name="ledger">Ledger to spend the training stage in (before the first step); optional.</param>
    public PerExampleDpSgdTrainer(IPerExampleObjective objective, ReadOnlySpan<double> initial, DpSgdOptions options, AdamParameters adam,
        PrivacyLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (initial.Length != objective.ParameterCount)
            throw new ArgumentException($"The objective has {objective.ParameterCount} parameters but {initial.Length} initial values were given.");
        if (adam.WeightDecay != 0) throw new ArgumentException("The per-example trainer applies no weight decay; put a prior into the objective instead.");
        if (!(adam.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(adam), $"Learning rate must be positive, got {adam.LearningRate}.");
        Plan = new DpSgdPlan(options, objective.Records, 1, ledger);
        _objective = objective;
        _adam = adam;
        _sampler = Plan.CreateSampler();
        _objectiveKey = Plan.Key.WithStream(ObjectiveStream);
        int p = objective.ParameterCount;
        _parameters = initial.ToArray();
        _gradient = new double[p];
        _example = new double[p];
        _first = new double[p];
        _second = new double[p];
        _noise = new float[p];
    }

    /// <summary>The privacy plan (q, steps, σ, stage, key).</summary>
    public DpSgdPlan Plan { get; }

    /// <summary>Positive-control faults of an audit (<see cref="Audit.AuditFaults"/>); none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>The current parameters.</summary>
    public ReadOnlySpan<double> Parameters => _parameters;

    /// <summary>
    /// Called after every step with the trainer (its <see cref="Step"/> already advanced), e.g. to
    /// average the iterates — post-processing of the noised updates, free under DP; optional.
    /// </summary>
    public Action<PerExampleDpSgdTrainer>? StepCompleted { get; set; }

    /// <summary>
    /// Trains until <paramref name="untilStep"/> (default: all planned steps) or cancellation and
    /// returns the run's record. A private run's stage is spent in the ledger before the first step.
    /// </summary>
    public TrainingRecord Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, long? untilStep = null)
    {
        long end = Math.Min(untilStep ?? Plan.TotalSteps, Plan.TotalSteps);
        if (Step == 0) Plan.SpendStage(); // throws, and nothing runs, when the budget would be exceeded
        var options = Plan.Options;
        long interval = options.ProgressStepsFor(Plan.TotalSteps);
        double scale = 1.0 / Plan.ExpectedBatchSize;
        double noiseStd = Plan.NoiseStd / Faults.NoiseDivisor, clip = Faults.SkipClipping ? double.PositiveInfinity : Plan.ClipNorm;
        ulong noisePerStep = (ulong)_parameters.Length;
        while (Step < end)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = _sampler.Sample(Step);
            _objective.BeginStep(_parameters, Step, _objectiveKey);
            Array.Clear(_gradient);
            double lossSum = AccumulateClipped(_objective, batch, clip, _gradient, _example);
            if (noiseStd > 0)
            {
                GaussianStream.Fill(Plan.Key, DpSgdPlan.NoiseOffset(Step, noisePerStep), _noise);
                for (int j = 0; j < _gradient.Length; j++) _gradient[j] += noiseStd * _noise[j];
            }
            for (int j = 0; j < _gradient.Length; j++) _gradient[j] *= scale;
            _objective.AddDataIndependentGradient(_parameters, _gradient);
            AdamStep();
            Step++;
            StepCompleted?.Invoke(this);
            if (progress is not null && (Step % interval == 0 || Step == end))
            {
                // Loss and batch size are un-noised functions of private records: hidden in private runs.
                bool show = !options.Private || options.ReportPrivateDiagnostics;
                double loss = show && batch.Length > 0 ? lossSum / batch.Length : double.NaN;
                progress.Report(new TrainingProgress(Step, Plan.TotalSteps, show ? batch.Length : -1, loss, Plan.EpsilonPricing(Step)));
            }
        }
        return Plan.Record(Step);
    }

    /// <summary>
    /// Adds min(1, C/‖gᵢ‖)·gᵢ of every record in <paramref name="records"/> to <paramref name="sum"/>,
    /// where gᵢ is the record's whole gradient (all parameters together); returns the sum of the losses.
    /// <paramref name="scratch"/> holds one example's gradient.
    /// </summary>
    public static double AccumulateClipped(IPerExampleObjective objective, ReadOnlySpan<int> records, double clipNorm, Span<double> sum, Span<double> scratch)
    {
        double lossSum = 0;
        foreach (int i in records)
        {
            lossSum += objective.ExampleGradient(i, scratch);
            double squared = 0;
            for (int j = 0; j < scratch.Length; j++) squared += scratch[j] * scratch[j];
            double norm = Math.Sqrt(squared);
            // A non-finite gradient would carry unbounded information: such an example contributes nothing.
            double factor = !double.IsFinite(norm) ? 0 : norm > clipNorm ? clipNorm / norm : 1;
            if (factor == 0) continue;
            for (int j = 0; j < scratch.Length; j++) sum[j] += factor * scratch[j];
        }
        return lossSum;
    }

    private void AdamStep()
    {
        double b1 = _adam.Beta1, b2 = _adam.Beta2, lr = _adam.LearningRate, eps = _adam.Epsilon;
        long t = Step + 1;
        double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
        for (int j = 0; j < _parameters.Length; j++)
        {
            double g = _gradient[j];
            _first[j] = b1 * _first[j] + (1 - b1) * g;
            _second[j] = b2 * _second[j] + (1 - b2) * g * g;
            _parameters[j] -= lr * (_first[j] / c1) / (Math.Sqrt(_second[j] / c2) + eps);
        }
    }
}
