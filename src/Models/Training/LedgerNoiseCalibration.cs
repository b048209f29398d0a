using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;

namespace DpSynth.Models.Training;

/// <summary>
/// Kept for callers that calibrate a DP-SGD run against a ledger directly; the maths lives in
/// <see cref="LedgerCalibration"/> (src/Privacy), which <see cref="PrivacyPlan"/> uses.
/// </summary>
public static class LedgerNoiseCalibration
{
    /// <summary>σ for the run, or null when no σ fits (<see cref="LedgerCalibration.NoiseMultiplier"/>).</summary>
    public static double? NoiseMultiplier(PrivacyLedger ledger, double sampleRate, long steps) =>
        LedgerCalibration.NoiseMultiplier(ledger, sampleRate, steps);
}
