using System.Globalization;
using DpSynth.Kernels.Random;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Training;

/// <summary>
/// The privacy-critical part of a DP-SGD run, shared by every trainer: the Poisson sample rate q,
/// the planned steps, σ calibrated for exactly those steps, the ledger stage (spent before the
/// first step), the noise key and the randomness record. A trainer only decides how per-example
/// gradients are formed; everything the accountant's guarantee rests on is decided here, once.
/// </summary>
/// <remarks>
/// Noise element j of step s is element s·P + j of the key's Gaussian stream (P: noise values per
/// step), so no noise value is ever reused; sampling uses the key's own sampling stream. A seeded
/// run is refused against a ledger that records CSPRNG randomness.
/// </remarks>
public sealed class DpSgdPlan
{
    /// <summary>The mechanism name written into ledger stages and training records.</summary>
    public const string Mechanism = "dp-sgd (Poisson-subsampled Gaussian)";

    private readonly PrivacyLedger? _ledger;

    /// <summary>Validates the settings, calibrates σ (private runs) and draws or derives the key. Reads no private values.</summary>
    /// <param name="options">Run settings.</param>
    /// <param name="records">Number of private records N (the Poisson sampler's population).</param>
    /// <param name="rowsPerRecord">Table rows per sampled record (written into the stage).</param>
    /// <param name="ledger">Ledger to spend the stage in; optional.</param>
    /// <exception cref="ArgumentException">The settings are inconsistent (naming the bad value).</exception>
    public DpSgdPlan(DpSgdOptions options, int records, int rowsPerRecord = 1, PrivacyLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Records = records;
        _ledger = ledger;
        SampleRate = options.SampleRate ?? (options.ExpectedBatchSize is int b ? (double)b / records
            : throw new ArgumentException("Give a sample rate or an expected batch size."));
        if (!(SampleRate > 0 && SampleRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), $"Sample rate must be in (0, 1], got {SampleRate.ToString(CultureInfo.InvariantCulture)}.");
        TotalSteps = options.Steps ?? (options.Epochs is double e ? (long)Math.Ceiling(e / SampleRate)
            : throw new ArgumentException("Give the number of steps or epochs."));
        ExpectedBatchSize = SampleRate * (options.PublicRecords ?? records);
        if (TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Training needs at least one step, got {TotalSteps}.");

        if (options.Private)
        {
            double delta = options.Delta ?? throw new ArgumentException("A private run needs δ (chosen by you, not from the row count).");
            if (!(options.ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(options), $"Clip norm must be positive, got {options.ClipNorm}.");
            NoiseMultiplier = options.NoiseMultiplier ?? (options.TargetEpsilon is double eps
                ? NoiseCalibrator.NoiseMultiplier(options.Accountant, SampleRate, TotalSteps, eps, delta)
                : throw new ArgumentException("A private run needs a noise multiplier or a target ε."));
            var parameters = new Dictionary<string, double>
            {
                ["noise_multiplier"] = NoiseMultiplier,
                ["sample_rate"] = SampleRate,
                ["steps"] = TotalSteps,
                ["clip_norm"] = options.ClipNorm,
                ["rows_per_example"] = rowsPerRecord,
            };
            // q·Ñ is public; q·N would release the exact N, so it is not recorded without Ñ.
            if (options.PublicRecords is not null) parameters["expected_batch_size"] = ExpectedBatchSize;
            Stage = new LedgerStage("training", Mechanism, new SubsampledGaussianCost(NoiseMultiplier, SampleRate, TotalSteps)) { Parameters = parameters };
        }

        if (ledger is not null && options.Private && options.Seed is not null && ledger.Randomness.Kind == Privacy.Randomness.RandomnessKind.Csprng)
            throw new ArgumentException("The ledger records CSPRNG randomness but this run is seeded; seeded noise gives no privacy to whoever knows the seed, so record the ledger with the seed.");
        Key = options.Seed is ulong seed ? NoiseKey.FromSeed(seed) : NoiseKey.CreateSecure();
        InitSeed = options.Seed is ulong s ? unchecked((int)(s ^ (s >> 32))) : System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    /// <summary>The run's settings.</summary>
    public DpSgdOptions Options { get; }

    /// <summary>Number of private records N.</summary>
    public int Records { get; }

    /// <summary>Poisson sampling rate q.</summary>
    public double SampleRate { get; }

    /// <summary>q·Ñ (<see cref="DpSgdOptions.PublicRecords"/>, else q·N): the divisor of each step's noisy gradient sum.</summary>
    public double ExpectedBatchSize { get; }

    /// <summary>Steps planned (and calibrated for).</summary>
    public long TotalSteps { get; }

    /// <summary>Noise multiplier σ (0 for non-private runs).</summary>
    public double NoiseMultiplier { get; }

    /// <summary>The ledger stage of a private run (null for non-private runs).</summary>
    public LedgerStage? Stage { get; }

    /// <summary>The noise and sampling key: from the OS CSPRNG unless the options give a seed.</summary>
    public NoiseKey Key { get; }

    /// <summary>A seed for data-independent initialisation (weights, dropout): from the user seed, else from the CSPRNG.</summary>
    public int InitSeed { get; }

    /// <summary>Whether the stage has been spent in the ledger.</summary>
    public bool StageSpent { get; private set; }

    /// <summary>Standard deviation σ·C of the noise added to a step's clipped sum (0 for non-private runs).</summary>
    public double NoiseStd => Options.Private ? NoiseMultiplier * Options.ClipNorm : 0;

    /// <summary>Per-example clip norm C (+∞ for non-private runs, which do not clip).</summary>
    public double ClipNorm => Options.Private ? Options.ClipNorm : double.PositiveInfinity;

    /// <summary>A Poisson sampler over the N records with rate q on this plan's key.</summary>
    public PoissonSampler CreateSampler() => new(Records, SampleRate, Key);

    /// <summary>
    /// Spends the stage in the ledger if it has not been spent yet — call before the first step.
    /// Throws, and nothing should run, when the budget would be exceeded.
    /// </summary>
    public void SpendStage()
    {
        if (Stage is not null && _ledger is not null && !StageSpent) _ledger.Spend(Stage);
        StageSpent = true;
    }

    /// <summary>Marks the stage as already spent (a run resumed from a checkpoint was charged when it first started).</summary>
    public void MarkStageSpent() => StageSpent = true;

    /// <summary>First element of step <paramref name="step"/>'s noise in the key's Gaussian stream, for <paramref name="noisePerStep"/> values per step.</summary>
    public static ulong NoiseOffset(long step, ulong noisePerStep) => (ulong)step * noisePerStep;

    /// <summary>ε at δ after <paramref name="steps"/> steps (+∞ for non-private runs, 0 before any step).</summary>
    public double EpsilonAfter(long steps)
    {
        if (!Options.Private) return double.PositiveInfinity;
        if (steps <= 0) return 0;
        double epsilon = NoiseCalibrator.Epsilon(Options.Accountant, SampleRate, NoiseMultiplier, steps, Options.Delta!.Value);
        // At a very small σ (a huge ε budget) the PLD's discretisation gives up and reports +∞; the RDP
        // bound still holds, and the ledger composes with the smaller of the two as well.
        if (Options.Accountant == AccountantKind.Pld && !(epsilon < double.PositiveInfinity))
            epsilon = NoiseCalibrator.Epsilon(AccountantKind.Rdp, SampleRate, NoiseMultiplier, steps, Options.Delta!.Value);
        return epsilon;
    }

    /// <summary>
    /// <see cref="EpsilonAfter"/> of <paramref name="steps"/>, priced once and only when called: what a
    /// progress report carries (see <see cref="TrainingProgress"/>).
    /// </summary>
    public Func<double> EpsilonPricing(long steps)
    {
        var price = new Lazy<double>(() => EpsilonAfter(steps));
        return () => price.Value;
    }

    /// <summary>The privacy record of a run that has completed <paramref name="stepsRun"/> steps.</summary>
    public TrainingRecord Record(long stepsRun) => new(
        Options.Private,
        Options.Private ? Mechanism : "non-private sgd",
        SampleRate,
        NoiseMultiplier,
        Options.Private ? Options.ClipNorm : double.PositiveInfinity,
        TotalSteps,
        stepsRun,
        Options.Private ? Options.Delta!.Value : 0,
        EpsilonAfter(stepsRun),
        Options.Accountant,
        "add/remove one record",
        Key.IsSecure,
        Options.Seed);
}
