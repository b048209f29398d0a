using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Splits the encoder's ε share evenly between its DP stages in zero-concentrated DP: ε at the
/// ledger's δ is turned into ρ and each stage gets ρ/k — a discrete Gaussian histogram or m
/// exponential-mechanism quantiles. The conversions are the privacy plan's
/// (<see cref="ZcdpConversion"/>); the ledger's accountant reports the exact composition.
/// </summary>
internal sealed class BudgetSplit
{
    private BudgetSplit(double rhoPerStage, double discoveryDeltaEach)
    {
        RhoPerStage = rhoPerStage;
        DiscoveryDeltaEach = discoveryDeltaEach;
    }

    /// <summary>zCDP ρ of each stage.</summary>
    public double RhoPerStage { get; }

    /// <summary>δ_τ of each discovery histogram.</summary>
    public double DiscoveryDeltaEach { get; }

    /// <summary>Noise scale of a sensitivity-1 histogram stage.</summary>
    public double HistogramSigma => ZcdpConversion.GaussianSigma(RhoPerStage);

    /// <summary>ε of each of <paramref name="count"/> quantiles released in one stage.</summary>
    public double QuantileEpsilon(int count) => ZcdpConversion.ExponentialEpsilon(RhoPerStage, count);

    public static BudgetSplit Create(EncoderFitOptions o, PrivacyLedger? ledger, int stages, int discoveries)
    {
        if (ledger is null)
            throw new ArgumentException("The schema leaves statistics private that the encoder needs; estimating them with DP needs a privacy ledger.", nameof(ledger));
        double delta = ledger.Budget.Delta;
        // δ for discovery is a fixed share of the user's δ, never a function of the row count.
        double discoveryTotal = discoveries == 0 ? 0 : o.DiscoveryDelta ?? delta / 10;
        double conversionDelta = delta - discoveryTotal;
        if (!(conversionDelta > 0))
            throw new ArgumentOutOfRangeException(nameof(o), $"the discovery delta {discoveryTotal} leaves nothing of the budget's delta {delta}");
        return new BudgetSplit(ZcdpConversion.Rho(o.Epsilon, conversionDelta) / stages, discoveries == 0 ? (o.DiscoveryDelta ?? delta / 10) : discoveryTotal / discoveries);
    }
}
