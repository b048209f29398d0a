using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Privacy.Planning;

/// <summary>
/// The noise multiplier of a DP-SGD run that must fit into what a ledger has left: the smallest σ
/// whose Poisson-subsampled Gaussian stage (q, steps), composed with the ledger's stages by the
/// ledger's own accountant, stays within the budget's ε — used, never exceeded.
/// </summary>
public static class LedgerCalibration
{
    /// <summary>The mechanism name of DP-SGD stages.</summary>
    public const string TrainingMechanism = "dp-sgd (Poisson-subsampled Gaussian)";

    /// <summary>
    /// σ for the run, or null when no σ fits (the ledger has too little left). An empty ledger gets
    /// the calibration of the ledger's accountant for the whole budget. Otherwise σ is bisected to 0.5 % from a bracket
    /// that starts at the RDP calibration for the ε left (RDP is looser than PLD composition, so it
    /// nearly always fits), each candidate priced exactly as the ledger will price it.
    /// </summary>
    /// <param name="ledger">The ledger the run's stage will be spent on.</param>
    /// <param name="sampleRate">Poisson sampling rate q.</param>
    /// <param name="steps">Steps the run will take.</param>
    public static double? NoiseMultiplier(PrivacyLedger ledger, double sampleRate, long steps)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        // A pure function of the budget, the accountant, the recorded costs, q and the steps: repeated
        // fits with the same plan (audits, twin copies) reuse the answer instead of re-bisecting the PLD.
        var key = new CalibrationKey(ledger.Budget, ledger.Accountant, ledger.Stages.Select(s => s.Cost).ToArray(), sampleRate, steps);
        if (Cache.TryGetValue(key, out var known)) return known;
        var sigma = Calibrate(ledger, sampleRate, steps);
        if (Cache.Count < CacheLimit) Cache.TryAdd(key, sigma);
        return sigma;
    }

    private const int CacheLimit = 256;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<CalibrationKey, double?> Cache = new();

    private static double? Calibrate(PrivacyLedger ledger, double sampleRate, long steps)
    {
        double epsilon = ledger.Budget.Epsilon, delta = ledger.Budget.Delta;
        bool Fits(double sigma) => ledger.EpsilonWith(new LedgerStage("training", TrainingMechanism,
            new SubsampledGaussianCost(sigma, sampleRate, steps))) <= epsilon;

        if (ledger.Stages.Count == 0)
        {
            double exact = NoiseCalibrator.NoiseMultiplier(ledger.Accountant, sampleRate, steps, epsilon, delta);
            if (Fits(exact)) return exact;
        }
        double left = epsilon - ledger.TotalEpsilon;
        if (!(left > 0)) return null;
        double high = NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, sampleRate, steps, left, delta);
        for (int i = 0; i < 20 && !Fits(high); i++) high *= 1.25;
        if (!Fits(high)) return null;
        double low = high / 2;
        for (int i = 0; i < 20 && Fits(low); i++) { high = low; low /= 2; }
        while (high - low > 5e-3 * high)
        {
            double mid = (low + high) / 2;
            if (Fits(mid)) high = mid; else low = mid;
        }
        return high;
    }

    /// <summary>Everything the calibration depends on, compared by value.</summary>
    private sealed record CalibrationKey(PrivacyBudget Budget, AccountantKind Accountant, PrivacyCost[] Costs, double SampleRate, long Steps)
    {
        public bool Equals(CalibrationKey? other) => other is not null && Budget == other.Budget && Accountant == other.Accountant
            && SampleRate.Equals(other.SampleRate) && Steps == other.Steps && Costs.SequenceEqual(other.Costs);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(Budget); hash.Add(Accountant); hash.Add(SampleRate); hash.Add(Steps);
            foreach (var c in Costs) hash.Add(c);
            return hash.ToHashCode();
        }
    }
}
