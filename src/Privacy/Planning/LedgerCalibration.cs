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
    /// the calibration of the ledger's accountant for the whole budget. Otherwise σ is narrowed to 0.5 % from
    /// the RDP calibration for the ε left (RDP is looser than PLD composition, so it nearly always fits),
    /// each candidate priced exactly as the ledger will price it (see <see cref="Narrow"/>).
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

    /// <summary>Relative width of the final bracket: the σ returned is within this share of the smallest that fits.</summary>
    private const double Tolerance = 5e-3;

    private static double? Calibrate(PrivacyLedger ledger, double sampleRate, long steps)
    {
        double epsilon = ledger.Budget.Epsilon, delta = ledger.Budget.Delta;
        double Price(double sigma) => ledger.EpsilonWith(new LedgerStage("training", TrainingMechanism,
            new SubsampledGaussianCost(sigma, sampleRate, steps)));

        if (ledger.Stages.Count == 0)
        {
            double exact = NoiseCalibrator.NoiseMultiplier(ledger.Accountant, sampleRate, steps, epsilon, delta);
            if (Price(exact) <= epsilon) return exact;
        }
        double left = epsilon - ledger.TotalEpsilon;
        if (!(left > 0)) return null;
        // RDP is looser than the PLD composition, so its σ for the ε left nearly always fits.
        double high = NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, sampleRate, steps, left, delta);
        double highEpsilon = Price(high);
        for (int i = 0; i < 20 && !(highEpsilon <= epsilon); i++) highEpsilon = Price(high *= 1.25);
        if (!(highEpsilon <= epsilon)) return null;
        return Narrow(Price, epsilon, high, highEpsilon);
    }

    /// <summary>
    /// The smallest σ that fits, to <see cref="Tolerance"/>, from a σ that fits. Every candidate is
    /// priced exactly (a PLD composition costs tens of milliseconds), so the search spends few: ε
    /// falls smoothly with σ, close to a power law, so interpolating log ε linearly in log σ lands
    /// next to the answer, and each landing is followed by a probe one tolerance away on the other
    /// side to close the bracket. Halving takes over wherever interpolation would not shrink it.
    /// </summary>
    internal static double Narrow(Func<double, double> price, double epsilon, double high, double highEpsilon)
    {
        // A σ that does not fit: where ε ∝ 1/σ would reach the budget, nudged below; halved while it fits.
        double low = high * Math.Clamp(highEpsilon / epsilon, 0.5, 1) * (1 - Tolerance);
        double lowEpsilon = price(low);
        for (int i = 0; i < 40 && lowEpsilon <= epsilon; i++)
        {
            (high, highEpsilon) = (low, lowEpsilon);
            low = high / 2;
            lowEpsilon = price(low);
        }
        if (lowEpsilon <= epsilon) return low; // ε does not grow as σ falls: any σ this small fits

        while (!Narrowed(low, high))
        {
            double candidate = PowerLawRoot(low, lowEpsilon, high, highEpsilon, epsilon);
            double width = high - low;
            if (!(candidate > low + 0.01 * width && candidate < high - 0.01 * width)) candidate = (low + high) / 2;
            double candidateEpsilon = price(candidate);
            bool fits = candidateEpsilon <= epsilon;
            if (fits) (high, highEpsilon) = (candidate, candidateEpsilon);
            else (low, lowEpsilon) = (candidate, candidateEpsilon);
            if (Narrowed(low, high)) break;
            // The candidate is likely next to the answer: try just across it.
            double probe = fits ? high * (1 - 0.9 * Tolerance) : low / (1 - 0.9 * Tolerance);
            if (!(probe > low && probe < high)) continue;
            double probeEpsilon = price(probe);
            if (probeEpsilon <= epsilon) (high, highEpsilon) = (probe, probeEpsilon);
            else (low, lowEpsilon) = (probe, probeEpsilon);
        }
        return high;
    }

    private static bool Narrowed(double low, double high) => high - low <= Tolerance * high;

    /// <summary>The σ where the line through (log σ, log ε) at <paramref name="low"/> and <paramref name="high"/> reaches <paramref name="target"/>; NaN where that line does not exist.</summary>
    private static double PowerLawRoot(double low, double lowEpsilon, double high, double highEpsilon, double target)
    {
        if (!(lowEpsilon > 0 && highEpsilon > 0 && double.IsFinite(lowEpsilon) && lowEpsilon != highEpsilon)) return double.NaN;
        double slope = (Math.Log(lowEpsilon) - Math.Log(highEpsilon)) / (Math.Log(low) - Math.Log(high));
        return high * Math.Exp((Math.Log(target) - Math.Log(highEpsilon)) / slope);
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
