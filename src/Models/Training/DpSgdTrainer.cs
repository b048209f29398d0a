using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
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
    private readonly GradientMode _mode;

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
        if (options.Workers < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Workers must be at least 1, got {options.Workers}.");
        _mode = options.Private ? options.PrivateMode : GradientMode.Direct;
        if (options.Private && _mode == GradientMode.Direct)
            throw new ArgumentException("A private run needs ghost or materialised clipping, not direct gradients.");
        // Sample rate, steps, σ, the ledger stage, the key and the seeded-vs-CSPRNG check: one shared plan.
        Plan = new DpSgdPlan(options, data.Records, data.RowsPerRecord, ledger);
        Options = options;
        _data = data;
        _optimizer = optimizer;
        _key = Plan.Key;
        int initSeed = Plan.InitSeed;
        int capacity = ChunkCapacity(data.Records, PoissonSampler.Capacity(data.Records, SampleRate, options.CapacitySigmas), options.MaxChunkExamples);
        Network = new Network(backend, layers, capacity * data.RowsPerRecord, options.Workers, initSeed);
        if (Network.InputWidth != data.InputWidth)
            throw new ArgumentException($"The network expects {Network.InputWidth} input columns but the data has {data.InputWidth}.");
        if (loss.TargetWidth(Network.OutputWidth) != data.TargetWidth)
            throw new ArgumentException($"The loss expects {loss.TargetWidth(Network.OutputWidth)} target columns but the data has {data.TargetWidth}.");
        optimizer.Bind(Network.Parameters);
        _step = new TrainingStep(Network, loss, data.RowsPerRecord, _mode == GradientMode.Materialized ? options.MaterializedChunk : 0);
        _sampler = Plan.CreateSampler();
    }

    /// <summary>Chunks a step may take: each chunk's dropout masks are tagged step·1024 + chunk.</summary>
    private const int MaxChunksPerStep = 1024;

    /// <summary>
    /// Examples the buffers hold: the Poisson capacity, capped at <paramref name="maxChunk"/> but never
    /// so low that a batch (at most every record) would need more than <see cref="MaxChunksPerStep"/> chunks.
    /// </summary>
    private static int ChunkCapacity(int records, int poissonCapacity, int? maxChunk)
    {
        if (maxChunk is not int cap) return poissonCapacity;
        if (cap < 1) throw new ArgumentOutOfRangeException(nameof(maxChunk), $"MaxChunkExamples must be positive, got {cap}.");
        int fewest = (records + MaxChunksPerStep - 1) / MaxChunksPerStep;
        return Math.Min(poissonCapacity, Math.Max(cap, fewest));
    }

    /// <summary>The run's settings.</summary>
    public DpSgdOptions Options { get; }

    /// <summary>Positive-control faults of an audit (<see cref="Audit.AuditFaults"/>); none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>The privacy plan (q, steps, σ, stage, key) shared with every DP-SGD trainer.</summary>
    public DpSgdPlan Plan { get; }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>Poisson sampling rate q.</summary>
    public double SampleRate => Plan.SampleRate;

    /// <summary>Noise multiplier σ (0 for non-private runs).</summary>
    public double NoiseMultiplier => Plan.NoiseMultiplier;

    /// <summary>Steps planned (and calibrated for).</summary>
    public long TotalSteps => Plan.TotalSteps;

    /// <summary>Steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>The ledger stage of a private run (null for non-private runs).</summary>
    public LedgerStage? Stage => Plan.Stage;

    /// <summary>ε at δ after <paramref name="steps"/> steps (+∞ for non-private runs, 0 before any step).</summary>
    public double EpsilonAfter(long steps) => Plan.EpsilonAfter(steps);

    /// <summary>
    /// Trains until <paramref name="untilStep"/> (default: all planned steps) or cancellation, and
    /// returns the run's record. A private run's stage is spent in the ledger before the first step.
    /// Calling it again with a later <paramref name="untilStep"/> continues the run, so private steps
    /// can be interleaved with other work (a GAN's generator steps); the ledger is charged once.
    /// </summary>
    /// <param name="progress">Progress every <see cref="DpSgdOptions.ProgressInterval"/> steps and at the last planned step.</param>
    /// <param name="cancellation">Cancels between steps.</param>
    /// <param name="untilStep">Step to stop at (exclusive of later ones); default all planned steps.</param>
    /// <param name="publicTerm">A gradient term that reads no private row, added to every step before the optimiser update (not charged).</param>
    public TrainingRecord Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, long? untilStep = null,
        IPublicGradientTerm? publicTerm = null)
    {
        long end = Math.Min(untilStep ?? TotalSteps, TotalSteps);
        if (Step == 0) Plan.SpendStage(); // throws, and nothing runs, when the budget would be exceeded
        long interval = Options.ProgressStepsFor(TotalSteps);
        ulong noisePerStep = (ulong)Network.Parameters.Length;
        float scale = (float)(1.0 / Plan.ExpectedBatchSize);
        float noiseStd = (float)(Plan.NoiseStd / Faults.NoiseDivisor);
        float clip = Faults.SkipClipping ? float.PositiveInfinity : (float)Plan.ClipNorm;
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
                lossSum += _step.Accumulate(_data, records, Step, _mode, clip, Step * MaxChunksPerStep + chunk);
            }
            publicTerm?.Accumulate(_step, Step, Plan);
            _step.Apply(_optimizer, scale, noiseStd, _key, DpSgdPlan.NoiseOffset(Step, noisePerStep));
            Step++;
            // Not at every untilStep: a run interleaved in short segments would price ε after each.
            if (progress is not null && (Step % interval == 0 || Step == TotalSteps))
            {
                // Loss and batch size are un-noised functions of private records: hidden in private
                // runs unless the caller explicitly asks for them.
                bool show = !Options.Private || Options.ReportPrivateDiagnostics;
                double loss = show && batch.Length > 0 ? lossSum / (batch.Length * (double)_data.RowsPerRecord) : double.NaN;
                progress.Report(new TrainingProgress(Step, TotalSteps, show ? batch.Length : -1, loss, Plan.EpsilonPricing(Step)));
            }
        }
        return Record();
    }

    /// <summary>The privacy record of the run so far.</summary>
    public TrainingRecord Record() => Plan.Record(Step);

    /// <summary>Writes a checkpoint (weights, optimiser state, layer state, step). The noise key is never written.</summary>
    public void SaveCheckpoint(Stream stream) => TrainingCheckpoint.Write(stream, this, _optimizer);

    /// <summary>
    /// Restores a checkpoint written by a trainer with the same settings. A seeded run then continues
    /// exactly as if uninterrupted; a CSPRNG-keyed run continues with this trainer's fresh key.
    /// </summary>
    public void LoadCheckpoint(Stream stream)
    {
        Step = TrainingCheckpoint.Read(stream, this, _optimizer);
        Plan.MarkStageSpent(); // the stage was charged when the run first started
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _step.Dispose();
        _optimizer.Dispose();
        Network.Dispose();
    }
}
