using DpSynth.Kernels;
using DpSynth.Models.Nn;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Training;

/// <summary>
/// Settings of a (DP-)SGD run. Give the sample rate or an expected batch size, and the steps or the
/// epochs; for private runs give either a noise multiplier or a target ε (σ is then calibrated for
/// exactly the steps that will run), and always δ — chosen by the user, never from the row count.
/// </summary>
public sealed record DpSgdOptions
{
    /// <summary>False for ordinary training (teachers, baselines): no clipping, no noise, recorded as not private.</summary>
    public bool Private { get; init; } = true;

    /// <summary>
    /// Whether progress reports of a private run carry the batch's loss and size. Both are computed
    /// from private records without noise, so showing them is a release the ledger does not
    /// account for; off by default (they are reported as NaN and −1), on only for debugging runs
    /// whose output stays with the data custodian.
    /// </summary>
    public bool ReportPrivateDiagnostics { get; init; }

    /// <summary>Poisson inclusion probability q; alternatively <see cref="ExpectedBatchSize"/>.</summary>
    public double? SampleRate { get; init; }

    /// <summary>Expected batch size q·N, from which q is derived when <see cref="SampleRate"/> is not given.</summary>
    public int? ExpectedBatchSize { get; init; }

    /// <summary>
    /// The public record count Ñ the run was sized with (a DP count or one declared public): q·Ñ
    /// normalises each step's noisy gradient sum and is recorded as the expected batch size. Null
    /// uses the exact record count — for non-private runs and tests only, since it would release N.
    /// </summary>
    public double? PublicRecords { get; init; }

    /// <summary>Number of steps; alternatively <see cref="Epochs"/>.</summary>
    public long? Steps { get; init; }

    /// <summary>Epochs (steps = ⌈epochs / q⌉) when <see cref="Steps"/> is not given.</summary>
    public double? Epochs { get; init; }

    /// <summary>Per-example clip norm C (private runs); +∞ disables clipping.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Noise multiplier σ (noise std = σ·C); calibrated from <see cref="TargetEpsilon"/> when null.</summary>
    public double? NoiseMultiplier { get; init; }

    /// <summary>Target ε for calibration.</summary>
    public double? TargetEpsilon { get; init; }

    /// <summary>δ of the guarantee (required for private runs).</summary>
    public double? Delta { get; init; }

    /// <summary>Accountant for calibration and reported ε (PLD, as the ledger's default).</summary>
    public AccountantKind Accountant { get; init; } = AccountantKind.Pld;

    /// <summary>How private runs form clipped gradient sums: <see cref="GradientMode.Ghost"/> (fast) or <see cref="GradientMode.Materialized"/> (reference).</summary>
    public GradientMode PrivateMode { get; init; } = GradientMode.Ghost;

    /// <summary>Examples per materialised chunk per worker (materialised mode).</summary>
    public int MaterializedChunk { get; init; } = 16;

    /// <summary>
    /// Seed for noise, sampling, weights and dropout — reproducible but not secure (recorded as such).
    /// Null draws the noise and sampling key from the OS CSPRNG.
    /// </summary>
    public ulong? Seed { get; init; }

    /// <summary>Workers the batch is split over (once per step).</summary>
    public int Workers { get; init; } = RowPartition.DefaultWorkers;

    /// <summary>
    /// Batch buffers hold mean + this many standard deviations of Binomial(N, q) examples; larger
    /// batches are processed in several chunks (never truncated: dropping records would break the
    /// accountant's sampling assumption).
    /// </summary>
    public double CapacitySigmas { get; init; } = 6;

    /// <summary>
    /// Most examples whose rows the batch buffers hold at once (null: as many as
    /// <see cref="CapacitySigmas"/> gives). A wide model caps it so that its activations stay within
    /// memory: a larger Poisson batch is then processed in several chunks, each clipped per example
    /// as usual, so the gradient sum — and the privacy guarantee — is the same.
    /// </summary>
    public int? MaxChunkExamples { get; init; }

    /// <summary>
    /// Steps between progress reports; 0 picks <see cref="ProgressStepsFor"/>'s default. Each report
    /// prices ε so far with the PLD accountant (a fit's composed ε costs another), which at every step
    /// of a short run took longer than the steps themselves.
    /// </summary>
    public long ProgressInterval { get; init; }

    /// <summary>
    /// Steps between progress reports in a run of <paramref name="totalSteps"/>: <see cref="ProgressInterval"/>
    /// when set, else about ten reports up to 1,000 steps, one per 100 steps up to 10,000, and a hundred beyond.
    /// </summary>
    internal long ProgressStepsFor(long totalSteps) =>
        ProgressInterval > 0 ? ProgressInterval : Math.Max(1, totalSteps / Math.Clamp(totalSteps / 100, 10, 100));
}
