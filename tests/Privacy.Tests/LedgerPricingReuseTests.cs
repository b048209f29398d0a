using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Tests;

/// <summary>
/// Pricing many DP-SGD candidates on one ledger (the noise calibration, progress ε) reuses the
/// product of the earlier stages' spectra; the prices must be exactly those of a ledger that
/// computes everything afresh, whatever grid sizes were priced before.
/// </summary>
public class LedgerPricingReuseTests
{
    private static PrivacyLedger Preprocessed()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 7));
        ledger.Spend(new LedgerStage("row count", "discrete gaussian", new DiscreteGaussianCost(240, 1)));
        ledger.Spend(new LedgerStage("quantiles of age", "exponential mechanism", DpQuantiles.Cost(31, 0.004)));
        ledger.Spend(new LedgerStage("categories of sex", "histogram", DpHistogram.Cost(90, 1e-7)));
        ledger.Spend(new LedgerStage("marginals", "gaussian", new SubsampledGaussianCost(13, 1, 1)));
        return ledger;
    }

    private static LedgerStage Training(double sigma, long steps) =>
        new("training", LedgerCalibration.TrainingMechanism, new SubsampledGaussianCost(sigma, 0.125, steps));

    [Fact]
    public void PricesOnAReusedCompositionEqualFreshOnesBitForBit()
    {
        var reused = Preprocessed();
        // Different σ and step counts need different FFT sizes: the remembered product must never be used at the wrong one.
        var candidates = new[] { (3.1, 32L), (1.5, 32L), (3.1, 32L), (6.0, 4L), (2.2, 32L), (3.1, 16L), (3.15, 32L) };
        foreach (var (sigma, steps) in candidates)
        {
            double fresh = Preprocessed().EpsilonWith(Training(sigma, steps));
            Assert.Equal(fresh, reused.EpsilonWith(Training(sigma, steps)));
        }
        // Spending after pricing: the ledger's total is the fresh ledger's.
        reused.Spend(Training(3.1, 32));
        var freshSpent = Preprocessed();
        freshSpent.Spend(Training(3.1, 32));
        Assert.Equal(freshSpent.TotalEpsilon, reused.TotalEpsilon);
        // And a ledger replayed from its JSON (no reuse at all) prices it the same.
        Assert.Equal(freshSpent.TotalEpsilon, PrivacyLedger.FromJson(reused.ToJson()).TotalEpsilon);
    }

    [Fact]
    public void ASnapshotPricesLikeTheLedgerAndIgnoresLaterStages()
    {
        var ledger = Preprocessed();
        var snapshot = ledger.Snapshot();
        double before = ledger.EpsilonWith(Training(3.5, 32));
        ledger.Spend(Training(3.5, 32));
        Assert.Equal(before, snapshot.EpsilonWith(Training(3.5, 32)));
        Assert.Equal(ledger.Stages.Count - 1, snapshot.Stages.Count);
        Assert.Equal(ledger.TotalEpsilon, snapshot.EpsilonWith(Training(3.5, 32)));
    }
}
