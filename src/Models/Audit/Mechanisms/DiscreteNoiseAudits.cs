using System.Globalization;
using DpSynth.Privacy.Auditing;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// Audits of the integer noise: the exact discrete Gaussian sampler, the DP histogram's counts
/// (declared categories) and its thresholded discovery of undeclared ones. Pairs differ by one record,
/// i.e. by 1 in one count. The ledger composes these stages by the discrete Gaussian's exact privacy
/// loss (PLD), so the claim at the midpoint test is the exact μ of that test — slightly above the
/// continuous Gaussian's 1/σ (0.2689 against 0.2681 at σ = 3.73: the sum over the integers is a
/// midpoint rule of the normal tail, not the tail itself). Its RDP bound α/2σ² (zCDP) does not imply
/// 1/σ-GDP, so 1/σ is not the claim. For discovery the claim is that a category held by one record is
/// released with probability at most δ_τ.
/// </summary>
internal static class DiscreteNoiseAudits
{
    /// <summary>n draws Z and n draws 1 + Z' from <see cref="DiscreteGaussianSampler"/>; threshold ½.</summary>
    public static MechanismAuditRow Sampler(int draws, double sigma, IRandomSource firstRandom, IRandomSource secondRandom, double alpha)
    {
        var law = new DiscreteGaussianLaw(sigma);
        var a = new DiscreteGaussianSampler(sigma, firstRandom);
        var b = new DiscreteGaussianSampler(sigma, secondRandom);
        var first = new double[draws];
        var second = new double[draws];
        for (int i = 0; i < draws; i++) { first[i] = a.Sample(); second[i] = 1 + b.Sample(); }
        return Row("discrete gaussian sampler", string.Create(CultureInfo.InvariantCulture, $"0 vs 1, sigma {sigma:0.###}"), first, second, law, alpha);
    }

    /// <summary>
    /// n releases of <see cref="DpRowCount.Release"/> for a table of 1,000 rows and n for its neighbour
    /// of 1,001 (the fit's first stage, at σ); the clamp at <see cref="DpRowCount.Minimum"/> is far away.
    /// </summary>
    public static MechanismAuditRow RowCount(int draws, double sigma, IRandomSource random, double alpha)
    {
        const long rows = 1000;
        var first = new double[draws];
        var second = new double[draws];
        for (int i = 0; i < draws; i++)
        {
            first[i] = DpRowCount.Release(rows, sigma, random).Rows - rows;
            second[i] = DpRowCount.Release(rows + 1, sigma, random).Rows - rows;
        }
        return Row("dp row count", string.Create(CultureInfo.InvariantCulture, $"N = 1000 vs 1001, sigma {sigma:0.###}"), first, second, new DiscreteGaussianLaw(sigma), alpha);
    }

    /// <summary>
    /// One <see cref="DpHistogram.Release"/> over n declared categories each held by no record, and one
    /// over n held by one record each: every category's noisy count is one draw of a count's release
    /// on one side of the pair (0 vs 1 record), the categories' noise being independent.
    /// </summary>
    public static MechanismAuditRow HistogramCounts(int draws, double sigma, IRandomSource random, double alpha)
    {
        var categories = Categories(draws);
        var empty = DpHistogram.Release([], categories, sigma, null, random, Ledger(random), "audit");
        var full = DpHistogram.Release(categories, categories, sigma, null, random, Ledger(random), "audit");
        var first = categories.Select(c => (double)empty.Counts[c]).ToArray();
        var second = categories.Select(c => (double)full.Counts[c]).ToArray();
        return Row("dp histogram (declared categories)", string.Create(CultureInfo.InvariantCulture, $"count 0 vs 1, sigma {sigma:0.###}"),
            first, second, new DiscreteGaussianLaw(sigma), alpha);
    }

    /// <summary>
    /// One release discovering n undeclared categories held by one record each: the share released is
    /// the probability that a single record's category escapes, P(1 + Z ≥ τ), claimed to be ≤ δ_τ.
    /// (On the other side of the pair the category is absent and can never be released.)
    /// </summary>
    public static MechanismAuditRow Discovery(int draws, double sigma, double thresholdDelta, IRandomSource random, double alpha)
    {
        var categories = Categories(draws);
        var result = DpHistogram.Release(categories, [], sigma, thresholdDelta, random, Ledger(random), "audit");
        long released = result.Discovered.Count;
        var (lower, upper) = ClopperPearson.Interval(released, draws, alpha);
        return new MechanismAuditRow
        {
            Mechanism = "dp histogram (thresholded discovery)",
            Setting = string.Create(CultureInfo.InvariantCulture, $"one record's undeclared category, sigma {sigma:0.###}, threshold {result.Threshold}"),
            Quantity = "release probability",
            Claimed = thresholdDelta,
            Exact = new DiscreteGaussianLaw(sigma).AtLeast(result.Threshold - 1),
            Estimate = (double)released / draws, Lower = lower, Upper = upper, Draws = draws,
        };
    }

    private static MechanismAuditRow Row(string mechanism, string setting, double[] first, double[] second, DiscreteGaussianLaw law, double alpha)
    {
        // Exact error rate of the midpoint test on either side: P(Z ≥ 1) = P(1 + Z ≤ 0).
        double rate = law.AtLeast(1);
        double exactMu = GaussianTradeOff.Mu(rate, rate);
        var noise = NoiseCheck.Of((double[])first.Clone(), law.ToNoiseLaw());
        return NeighbourTest.MuRow(mechanism, setting, first, second, 0.5, exactMu, exactMu, alpha, noise, PositiveControl.None);
    }

    private static string[] Categories(int count)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = "c" + i.ToString("D7", CultureInfo.InvariantCulture);
        return names;
    }

    private static PrivacyLedger Ledger(IRandomSource random) => new(new PrivacyBudget(1e12, 0.5), random.Record, Privacy.Calibration.AccountantKind.Rdp);
}
