using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Training;

/// <summary>Progress of a run, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="BatchSize">Examples in the last step's Poisson batch; −1 in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/>.</param>
/// <param name="Loss">Mean row loss of the last step; NaN in private runs unless <see cref="DpSgdOptions.ReportPrivateDiagnostics"/> (it is not a private statistic).</param>
/// <param name="Epsilon">ε spent by the steps completed so far (+∞ for non-private runs).</param>
public readonly record struct TrainingProgress(long Step, long TotalSteps, int BatchSize, double Loss, double Epsilon)
{
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
