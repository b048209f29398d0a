using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Ledger;

/// <summary>The JSON form of a <see cref="PrivacyLedger"/> (format <see cref="PrivacyLedger.FormatVersion"/>).</summary>
/// <remarks>Internal, not private: the JSON source generator reads only members it can reach from <see cref="LedgerJsonContext"/>.</remarks>
internal sealed record LedgerDocument(int FormatVersion, AccountantKind Accountant, PrivacyBudget Budget,
    RandomnessRecord Randomness, IReadOnlyList<LedgerStage> Stages, double TotalEpsilon);
