using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Training;

/// <summary>Progress of a run, reported through <see cref="IProgress{T}"/>.</summary>
/// <remarks>
/// ε is priced only when read: pricing a step count with the PLD accountant costs tens of
/// milliseconds, and most reports are never shown (a display throttles them), so a fit that
/// reports every tenth of its steps pays only for the lines it prints.
/// </remarks>
public readonly record struct TrainingProgress
{
    private readonly Func<double>? _epsilon;
    private readonly double _knownEpsilon;

    /// <summary>A report whose ε is already known.</summary>
    /// <param name="step">Steps completed.</param>
    /// <param name="totalSteps">Steps planned.</param>
    /// <param name="batchSize">Examples in the last step's Poisson batch; −1 in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/>.</param>
    /// <param name="loss">Mean row loss of the last step; NaN in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/> (it is not a private statistic).</param>
    /// <param name="epsilon">ε spent by the steps completed so far (+∞ for non-private runs).</param>
    public TrainingProgress(long step, long totalSteps, int batchSize, double loss, double epsilon)
    {
        Step = step;
        TotalSteps = totalSteps;
        BatchSize = batchSize;
        Loss = loss;
        _knownEpsilon = epsilon;
    }

    /// <summary>A report whose ε is priced by <paramref name="epsilon"/> when <see cref="Epsilon"/> is read.</summary>
    /// <param name="step">Steps completed.</param>
    /// <param name="totalSteps">Steps planned.</param>
    /// <param name="batchSize">As in the other constructor.</param>
    /// <param name="loss">As in the other constructor.</param>
    /// <param name="epsilon">Prices ε spent by the steps completed so far (it may be called more than once).</param>
    public TrainingProgress(long step, long totalSteps, int batchSize, double loss, Func<double> epsilon)
        : this(step, totalSteps, batchSize, loss, double.NaN) => _epsilon = epsilon ?? throw new ArgumentNullException(nameof(epsilon));

    /// <summary>Steps completed.</summary>
    public long Step { get; init; }

    /// <summary>Steps planned.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Examples in the last step's Poisson batch; −1 in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/>.</summary>
    public int BatchSize { get; init; }

    /// <summary>Mean row loss of the last step; NaN in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/>.</summary>
    public double Loss { get; init; }

    /// <summary>ε spent by the steps completed so far (+∞ for non-private runs); priced now if it was deferred.</summary>
    public double Epsilon
    {
        get => _epsilon is null ? _knownEpsilon : _epsilon();
        init { _epsilon = null; _knownEpsilon = value; }
    }

    /// <summary>Deferred pricing: <see cref="Epsilon"/> will call this when read.</summary>
    public Func<double> EpsilonPricing
    {
        init => _epsilon = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Null for a training step; for a preprocessing report, what is being done (e.g. "encoding: column"),
    /// with <see cref="Step"/> of <see cref="TotalSteps"/> units done and <see cref="Epsilon"/> the ledger's ε so far.
    /// </summary>
    public string? Stage { get; init; }
}

/// <summary>
/// How a run met the privacy contract — written into model files: mechanism, parameters,
/// neighbouring relation, accountant, randomness source and ε at δ.
/// </summary>
/// <param name="Private">False for non-private runs (then ε = +∞ and there is no ledger stage).</param>
/// <param name="Mechanism">"dp-sgd (Poisson-subsampled Gaussian)" or "non-private sgd".</param>
/// <param name="SampleRate">Poisson sampling rate q.</param>
/// <param name="NoiseMultiplier">σ (0 for non-private runs).</param>
/// <param name="ClipNorm">C (+∞ for non-private runs).</param>
/// <param name="PlannedSteps">Steps the noise was calibrated for and the ledger was charged for.</param>
/// <param name="StepsRun">Steps actually run.</param>
/// <param name="Delta">δ (0 for non-private runs).</param>
/// <param name="Epsilon">ε at δ of the steps actually run.</param>
/// <param name="Accountant">Accountant used.</param>
/// <param name="Neighbouring">"add/remove one record".</param>
/// <param name="SecureRandomness">True when noise and sampling came from a CSPRNG key; false for a user seed.</param>
/// <param name="Seed">The user seed, if any.</param>
public sealed record TrainingRecord(
    bool Private, string Mechanism, double SampleRate, double NoiseMultiplier, double ClipNorm,
    long PlannedSteps, long StepsRun, double Delta, double Epsilon, AccountantKind Accountant,
    string Neighbouring, bool SecureRandomness, ulong? Seed);
