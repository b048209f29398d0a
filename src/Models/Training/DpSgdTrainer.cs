using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Training;

/// <summary>
/// DP-SGD (Abadi et al. 2016) on an <see cref="IBatchSource"/>: Poisson-sampled batches, per-example
/// clipping to C, Gaussian noise σ·C on the clipped sum, division by the expected batch size q·N,
/// then the optimiser step. Non-private runs use the same sampler and divisor with neither clipping
/// nor noise, so turning privacy on changes nothing else.
/// </summary>
/// <remarks>
/// Privacy contract: σ is calibrated for the planned steps before any data is read; the run is one
/// ledger stage (Poisson-subsampled Gaussian, q, σ, steps, add/remove-one neighbours) spent before
/// the first step; noise and sampling come from a CSPRNG key unless a seed is given (then the record
/// says so). Noise element j of step s is ChaCha20-Gaussian element s·P + j, so no noise is reused.
/// </remarks>
public sealed class DpSgdTrainer : IDisposable
{
    private readonly IBatchSource _data;
    private readonly Optimizer _optimizer;
    private readonly TrainingStep _step;
    private readonly PoissonSampler _sampler;
    private readonly NoiseKey _key;
    private readonly PrivacyLedger? _ledger;
    private readonly GradientMode _mode;
    private bool _stageSpent;

    /// <summary>Builds the network (sized for the largest likely batch), binds the optimiser and calibrates the noise.</summary>
    /// <param name="backend">Backend for all tensors.</param>
    /// <param name="layers">The model's layers.</param>
    /// <param name="data">The private records.</param>
    /// <param name="loss">Loss against the records' targets.</param>
    /// <param name="optimizer">Optimiser (unbound; the trainer binds it).</param>
    /// <param name="options">Run settings.</param>
    /// <param name="ledger">Ledger to record the training stage in (spent when training starts); optional.</param>
    public DpSgdTrainer(IComputeBackend backend, IEnumerable<Layer> layers, IBatchSource data, ILoss loss, Optimizer optimizer,
        DpSgdOptions options, PrivacyLedger? ledger = null)
    {
        Options = options;
        _data = data;
        _optimizer = optimizer;
        _ledger = ledger;
        SampleRate = options.SampleRate ?? (options.ExpectedBatchSize is int b ? (double)b / data.Records
            : throw new ArgumentException("Give a sample rate or an expected batch size."));
        if (!(SampleRate > 0 && SampleRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"Sample rate must be in (0, 1], got {SampleRate.ToString(CultureInfo.InvariantCulture)} ({data.Records} records).");
        TotalSteps = options.Steps ?? (options.Epochs is double e ? (long)Math.Ceiling(e / SampleRate)
            : throw new ArgumentException("Give the number of steps or epochs."));
        if (TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Training needs at least one step, got {TotalSteps}.");
        if (options.Workers < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Workers must be at least 1, got {options.Workers}.");
        _mode = options.Private ? options.PrivateMode : GradientMode.Direct;
        if (options.Private && _mode == GradientMode.Direct)
            throw new ArgumentException("A private run needs ghost or materialised clipping, not direct gradients.");

        if (options.Private)
        {
            double delta = options.Delta ?? throw new ArgumentException("A private run needs δ (chosen by you, not from the row count).");
            if (!(options.ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(options), $"Clip norm must be positive, got {options.ClipNorm}.");
            NoiseMultiplier = options.NoiseMultiplier ?? (options.TargetEpsilon is double eps
                ? NoiseCalibrator.NoiseMultiplier(options.Accountant, SampleRate, TotalSteps, eps, delta)
                : throw new ArgumentException("A private run needs a noise multiplier or a target ε."));
            Stage = new LedgerStage("training", "dp-sgd (Poisson-subsampled Gaussian)", new SubsampledGaussianCost(NoiseMultiplier, SampleRate, TotalSteps))
            {
                Parameters = new Dictionary<string, double>
                {
                    ["noise_multiplier"] = NoiseMultiplier,
                    ["sample_rate"] = SampleRate,
                    ["steps"] = TotalSteps,
                    ["clip_norm"] = options.ClipNorm,
                    ["expected_batch_size"] = SampleRate * data.Records,
                    ["rows_per_example"] = data.RowsPerRecord,
                },
            };
        }

        if (ledger is not null && options.Private && options.Seed is not null && ledger.Randomness.Kind == Privacy.Randomness.RandomnessKind.Csprng)
            throw new ArgumentException("The ledger records CSPRNG randomness but this run is seeded; seeded noise gives no privacy to whoever knows the seed, so record the ledger with the seed.");
        _key = options.Seed is ulong seed ? NoiseKey.FromSeed(seed) : NoiseKey.CreateSecure();
        int initSeed = options.Seed is ulong s ? unchecked((int)(s ^ (s >> 32))) : System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
        int capacity = PoissonSampler.Capacity(data.Records, SampleRate, options.CapacitySigmas);
        Network = new Network(backend, layers, capacity * data.RowsPerRecord, options.Workers, initSeed);
        if (Network.InputWidth != data.InputWidth)
            throw new ArgumentException($"The network expects {Network.InputWidth} input columns but the data has {data.InputWidth}.");
        if (loss.TargetWidth(Network.OutputWidth) != data.TargetWidth)
            throw new ArgumentException($"The loss expects {loss.TargetWidth(Network.OutputWidth)} target columns but the data has {data.TargetWidth}.");
        optimizer.Bind(Network.Parameters);
        _step = new TrainingStep(Network, loss, data.RowsPerRecord, _mode == GradientMode.Materialized ? options.MaterializedChunk : 0);
        _sampler = new PoissonSampler(data.Records, SampleRate, _key);
    }

    /// <summary>The run's settings.</summary>
    public DpSgdOptions Options { get; }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>Poisson sampling rate q.</summary>
    public double SampleRate { get; }

    /// <summary>Noise multiplier σ (0 for non-private runs).</summary>
    public double NoiseMultiplier { get; }

    /// <summary>Steps planned (and calibrated for).</summary>
    public long TotalSteps { get; }

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>The ledger stage of a private run (null for non-private runs).</summary>
    public LedgerStage? Stage { get; }

    /// <summary>ε at δ after <paramref name="steps"/> steps (+∞ for non-private runs, 0 before any step).</summary>
    public double EpsilonAfter(long steps)
    {
        if (!Options.Private) return double.PositiveInfinity;
        if (steps <= 0) return 0;
        return NoiseCalibrator.Epsilon(Options.Accountant, SampleRate, NoiseMultiplier, steps, Options.Delta!.Value);
    }

    /// <summary>
    /// Trains until <paramref name="untilStep"/> (default: all planned steps) or cancellation, and
    /// returns the run's record. A private run's stage is spent in the ledger before the first step.
    /// </summary>
    public TrainingRecord Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, long? untilStep = null)
    {
        long end = Math.Min(untilStep ?? TotalSteps, TotalSteps);
        if (Stage is not null && _ledger is not null && !_stageSpent && Step == 0)
        {
            _ledger.Spend(Stage); // throws, and nothing runs, when the budget would be exceeded
            _stageSpent = true;
        }
        long interval = Options.ProgressInterval > 0 ? Options.ProgressInterval : Math.Max(1, TotalSteps / 100);
        ulong noisePerStep = (ulong)Network.Parameters.Length;
        float scale = (float)(1.0 / _sampler.ExpectedBatchSize);
        float noiseStd = Options.Private ? (float)(NoiseMultiplier * Options.ClipNorm) : 0f;
        float clip = Options.Private ? Options.ClipNorm : float.PositiveInfinity;
        while (Step < end)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = _sampler.Sample(Step);
            _step.PrepareStep();
            double lossSum = 0;
            // A batch larger than the buffers is processed in chunks: every sampled record counts.
            for (int first = 0, chunk = 0; first < batch.Length; first += _step.MaxExamples, chunk++)
            {
                var records = batch.Slice(first, Math.Min(_step.MaxExamples, batch.Length - first));
                lossSum += _step.Accumulate(_data, records, Step, _mode, clip, Step * 1024 + chunk);
            }
            _step.Apply(_optimizer, scale, noiseStd, _key, (ulong)Step * noisePerStep);
            Step++;
            if (progress is not null && (Step % interval == 0 || Step == end))
            {
                // Loss and batch size are un-noised functions of private records: hidden in private
                // runs unless the caller explicitly asks for them.
                bool show = !Options.Private || Options.ReportPrivateDiagnostics;
                double loss = show && batch.Length > 0 ? lossSum / (batch.Length * (double)_data.RowsPerRecord) : double.NaN;
                progress.Report(new TrainingProgress(Step, TotalSteps, show ? batch.Length : -1, loss, EpsilonAfter(Step)));
            }
        }
        return Record();
    }

    /// <summary>The privacy record of the run so far.</summary>
    public TrainingRecord Record() => new(
        Options.Private,
        Options.Private ? "dp-sgd (Poisson-subsampled Gaussian)" : "non-private sgd",
        SampleRate,
        NoiseMultiplier,
        Options.Private ? Options.ClipNorm : double.PositiveInfinity,
        TotalSteps,
        Step,
        Options.Private ? Options.Delta!.Value : 0,
        EpsilonAfter(Step),
        Options.Accountant,
        "add/remove one record",
        _key.IsSecure,
        Options.Seed);

    /// <summary>Writes a checkpoint (weights, optimiser state, layer state, step). The noise key is never written.</summary>
    public void SaveCheckpoint(Stream stream) => TrainingCheckpoint.Write(stream, this, _optimizer);

    /// <summary>
    /// Restores a checkpoint written by a trainer with the same settings. A seeded run then continues
    /// exactly as if uninterrupted; a CSPRNG-keyed run continues with this trainer's fresh key.
    /// </summary>
    public void LoadCheckpoint(Stream stream)
    {
        Step = TrainingCheckpoint.Read(stream, this, _optimizer);
        _stageSpent = true; // the stage was charged when the run first started
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _step.Dispose();
        _optimizer.Dispose();
        Network.Dispose();
    }
}
