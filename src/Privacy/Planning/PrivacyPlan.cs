using System.Globalization;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Planning;

/// <summary>
/// The privacy plan of one fit: it owns the ledger, allocates the budget to stages
/// (<see cref="PlanShares"/>: row count, preprocessing, marginals, release-time; training takes
/// what is left), calibrates each stage (zCDP conversions in <see cref="ZcdpConversion"/>, DP-SGD σ
/// against the ledger in <see cref="LedgerCalibration"/>), releases the row count and derives the
/// Poisson rate q and the step count from it once, and reports ε as the ledger composes it.
/// </summary>
/// <remarks>
/// Order of use: <see cref="ReleaseRowCount"/> first (every size-dependent quantity needs it), then
/// the preprocessing and marginal stages through <see cref="Ledger"/>, then <see cref="Sampling"/>
/// and <see cref="TrainingNoiseMultiplier"/>, and <see cref="ComposedEpsilonDuringTraining"/> before
/// the trainer spends its stage.
/// </remarks>
public sealed class PrivacyPlan
{
    private DpRowCount? _rows;

    /// <summary>Creates the plan and its empty ledger.</summary>
    /// <param name="budget">The fit's (ε, δ).</param>
    /// <param name="randomness">Where the mechanisms' randomness comes from (recorded in the ledger).</param>
    /// <param name="shares">The allocation; validated here.</param>
    /// <exception cref="ArgumentException">A share is invalid.</exception>
    public PrivacyPlan(PrivacyBudget budget, RandomnessRecord randomness, PlanShares shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        shares.Validate();
        Shares = shares;
        Ledger = new PrivacyLedger(budget, randomness);
    }

    /// <summary>The ledger every stage of the fit is spent on.</summary>
    public PrivacyLedger Ledger { get; }

    /// <summary>The allocation.</summary>
    public PlanShares Shares { get; }

    /// <summary>The budget.</summary>
    public PrivacyBudget Budget => Ledger.Budget;

    /// <summary>ε offered to preprocessing statistics.</summary>
    public double PreprocessingEpsilon => Budget.Epsilon * Shares.Preprocessing;

    /// <summary>ε offered to marginals released before training.</summary>
    public double MarginalsEpsilon => Budget.Epsilon * Shares.Marginals;

    /// <summary>ε offered to release-time mechanisms.</summary>
    public double ReleaseTimeEpsilon => Budget.Epsilon * Shares.ReleaseTime;

    /// <summary>ε offered to the row count.</summary>
    public double RowCountEpsilon => Budget.Epsilon * Shares.RowCount;

    /// <summary>The row count the fit uses, once released.</summary>
    /// <exception cref="InvalidOperationException">Not released yet.</exception>
    public DpRowCount RowCount => _rows ?? throw new InvalidOperationException("Release the row count first.");

    /// <summary>
    /// σ of the private count: the discrete Gaussian whose zCDP guarantee gives (ε_rows, δ) on its own
    /// (conservative; the ledger prices it exactly and composes it with everything else).
    /// </summary>
    public double RowCountSigma => ZcdpConversion.GaussianSigma(ZcdpConversion.Rho(RowCountEpsilon, Budget.Delta));

    /// <summary>
    /// Records the row count as a ledger stage and returns it: the declared public count, or a DP
    /// count of the private table. The stage is spent before N is read.
    /// </summary>
    /// <param name="exactRows">Reads the private N; called only after the stage is spent (not at all for a declared count, save to check it).</param>
    /// <param name="declaredPublic">The count the schema declares public, or null.</param>
    /// <param name="random">Randomness for the noise.</param>
    /// <exception cref="ArgumentException">The declared count differs from the table's (the message gives neither), the share is 0 for a private count, or the count's noise would exceed <see cref="DpRowCount.MaxSigma"/>.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The stage does not fit the budget.</exception>
    public DpRowCount ReleaseRowCount(Func<long> exactRows, long? declaredPublic, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(exactRows);
        if (_rows is not null) throw new InvalidOperationException("The row count is released once per fit.");
        if (declaredPublic is long declared)
        {
            if (exactRows() != declared)
                throw new ArgumentException("the table's row count differs from the row count the schema declares public; correct \"rows\" in the schema or remove it (then a DP count is released)");
            Ledger.Spend(DpRowCount.DeclaredStage());
            return (_rows = new DpRowCount(declared, true));
        }
        if (!(Shares.RowCount > 0))
            throw new ArgumentException("the schema does not declare the row count public and the plan gives it no budget share");
        double sigma = RowCountSigma;
        // Beyond this the count is noise, and pricing the stage (its loss grid grows with σ) would take hours.
        if (!(sigma <= DpRowCount.MaxSigma))
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the privacy budget is too small for a private row count (epsilon {RowCountEpsilon:G3} for the count would need noise of scale {sigma:G3}); raise epsilon or declare \"rows\" public in the schema"));
        Ledger.Spend(DpRowCount.Stage(sigma));
        return (_rows = DpRowCount.Release(exactRows(), sigma, random));
    }

    /// <summary>
    /// The Poisson rate and the step count of a DP-SGD run with expected batch size
    /// <paramref name="expectedBatchSize"/> over <paramref name="epochs"/> passes, from the released
    /// count Ñ: q = min(1, B/Ñ), steps = ⌈epochs/q⌉ (at most <paramref name="maxSteps"/> when positive).
    /// </summary>
    public (double SampleRate, long Steps) Sampling(int expectedBatchSize, double epochs, long maxSteps = 0)
    {
        if (expectedBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(expectedBatchSize), expectedBatchSize, "at least 1");
        if (!(epochs > 0) || double.IsInfinity(epochs)) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "positive and finite");
        double q = Math.Min(1.0, expectedBatchSize / (double)RowCount.Rows);
        long steps = (long)Math.Ceiling(epochs / q);
        if (maxSteps > 0) steps = Math.Min(steps, maxSteps);
        return (q, Math.Max(1, steps));
    }

    /// <summary>The smallest σ for a DP-SGD stage (q, steps) that fits what the ledger has left.</summary>
    /// <exception cref="ArgumentException">Too little is left to train.</exception>
    public double TrainingNoiseMultiplier(double sampleRate, long steps) =>
        LedgerCalibration.NoiseMultiplier(Ledger, sampleRate, steps) ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"the stages before training spent epsilon {Ledger.TotalEpsilon:0.####} of {Budget.Epsilon:R}; too little is left to train"));

    /// <summary>
    /// ε of the whole fit so far while DP-SGD runs: the ledger's stages before training composed
    /// with a training stage of the steps done. Call before the trainer spends its stage; after the
    /// last step the value equals <see cref="PrivacyLedger.TotalEpsilon"/> of the finished ledger.
    /// </summary>
    /// <param name="noiseMultiplier">The run's σ.</param>
    /// <param name="sampleRate">The run's q.</param>
    public Func<long, double> ComposedEpsilonDuringTraining(double noiseMultiplier, double sampleRate)
    {
        var before = Ledger.Snapshot();
        double cached = double.NaN;
        long cachedSteps = -1;
        return steps =>
        {
            if (steps <= 0) return before.TotalEpsilon;
            if (steps != cachedSteps)
            {
                cached = before.EpsilonWith(new LedgerStage("training", LedgerCalibration.TrainingMechanism,
                    new SubsampledGaussianCost(noiseMultiplier, sampleRate, steps)));
                cachedSteps = steps;
            }
            return cached;
        };
    }
}
