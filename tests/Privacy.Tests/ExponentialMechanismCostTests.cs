using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Pld;
using DpSynth.Privacy.Randomness;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Privacy.Tests;

/// <summary>Exponential-mechanism (DP quantile) stages under both accountants, and the PLD ledger's running composition.</summary>
public class ExponentialMechanismCostTests
{
    private static readonly PldAccountant Pld = new();

    /// <summary>The privacy profile every ε-bounded-range pair stays under: (e^{ε/2} − e^{t/2})²/(e^ε − 1) for 0 ≤ t ≤ ε.</summary>
    private static double BoundedRangeProfile(double epsilon, double t)
        => t >= epsilon ? 0 : Math.Pow(Math.Exp(epsilon / 2) - Math.Exp(t / 2), 2) / (Math.Exp(epsilon) - 1);

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void OneReleaseMatchesTheBoundedRangeProfileFromAbove(double epsilon)
    {
        var pld = Pld.Compose([DpQuantiles.Cost(1, epsilon)]);
        var rr = Pld.Compose([new PureDpCost(epsilon)]);
        foreach (double t in new[] { 0.0, epsilon / 4, epsilon / 2, 0.9 * epsilon, epsilon })
        {
            double exact = BoundedRangeProfile(epsilon, t);
            double got = pld.DeltaAt(t);
            Assert.True(got >= exact * (1 - 1e-9), $"δ({t}) = {got} < profile {exact}");
            Assert.True(got <= exact * 1.01 + 1e-9, $"δ({t}) = {got} ≫ profile {exact}");
            Assert.True(got <= rr.DeltaAt(t) + 1e-12, "the bounded-range pair must not be worse than randomized response");
        }
        Assert.Equal(Math.Tanh(epsilon / 4), pld.DeltaAt(0), 1e-4); // total variation
    }

    /// <summary>
    /// The actual quantile mechanism (Smith 2011) on a small dataset and its neighbour with one
    /// record added: both densities are piecewise constant, so the hockey-stick divergences in
    /// both directions are exact sums — and must stay below the accountant's δ.
    /// </summary>
    [Theory]
    [InlineData(0.5, 0.5, new[] { 1.0, 2.0, 2.5, 7.0 }, 3.0)]
    [InlineData(1.0, 0.1, new[] { 0.0, 0.2, 9.0 }, 10.0)]
    [InlineData(2.0, 0.9, new[] { 4.0, 4.5, 5.0, 5.5, 6.0 }, 4.7)]
    [InlineData(0.3, 0.25, new double[0], 5.0)]
    public void TrueQuantileMechanismIsDominated(double epsilon, double p, double[] data, double added)
    {
        double[] withAdded = [.. data, added];
        var pld = Pld.Compose([DpQuantiles.Cost(1, epsilon)]);
        foreach (double t in new[] { 0.0, epsilon / 3, epsilon / 2, 0.8 * epsilon })
        {
            double exact = Math.Max(HockeyStick(withAdded, data, epsilon, p, t), HockeyStick(data, withAdded, epsilon, p, t));
            Assert.True(exact <= pld.DeltaAt(t) + 1e-12, $"true δ({t}) = {exact} above the accountant's {pld.DeltaAt(t)}");
        }
    }

    private const double Lower = 0, Upper = 10;

    /// <summary>Density of Smith's quantile mechanism at x: exp(−ε|i − p·n|/2)/Z on the interval with i points below it.</summary>
    private static Func<double, double> Density(double[] data, double epsilon, double p)
    {
        var edges = new[] { Lower }.Concat(data.Order()).Append(Upper).ToArray();
        int n = data.Length;
        double z = 0;
        for (int i = 0; i <= n; i++) z += (edges[i + 1] - edges[i]) * Math.Exp(-epsilon * Math.Abs(i - p * n) / 2);
        return x => Math.Exp(-epsilon * Math.Abs(data.Count(v => v < x) - p * n) / 2) / z;
    }

    private static double HockeyStick(double[] first, double[] second, double epsilon, double p, double t)
    {
        var f = Density(first, epsilon, p);
        var g = Density(second, epsilon, p);
        var cuts = new[] { Lower, Upper }.Concat(first).Concat(second).Distinct().Order().ToArray();
        double sum = 0;
        for (int k = 0; k + 1 < cuts.Length; k++)
        {
            double mid = (cuts[k] + cuts[k + 1]) / 2;
            sum += (cuts[k + 1] - cuts[k]) * Math.Max(0, f(mid) - Math.Exp(t) * g(mid));
        }
        return sum;
    }

    public static TheoryData<int, int, double> QuantileLedgers() => new()
    {
        { 1, 31, 0.1 },
        { 5, 31, 0.05 },
        { 10, 2, 0.2 },
        { 3, 3, 1.0 },
    };

    [Theory]
    [MemberData(nameof(QuantileLedgers))]
    public void PldLedgerWithQuantileStagesIsBetweenOneStageAndRdp(int stages, int quantiles, double epsilon)
    {
        PrivacyLedger Fill(AccountantKind kind, int count)
        {
            var ledger = new PrivacyLedger(new PrivacyBudget(1000, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1), kind);
            for (int s = 0; s < count; s++)
                ledger.Spend(new LedgerStage($"quantiles {s}", "quantiles (exponential mechanism)", DpQuantiles.Cost(quantiles, epsilon)));
            return ledger;
        }
        double pld = Fill(AccountantKind.Pld, stages).TotalEpsilon;
        double rdp = Fill(AccountantKind.Rdp, stages).TotalEpsilon;
        double single = Fill(AccountantKind.Pld, 1).TotalEpsilon;
        Assert.True(pld <= rdp, $"PLD {pld} > RDP {rdp}");
        Assert.True(pld >= single, $"{stages} stages report {pld}, less than one stage's {single}");
        Assert.True(pld <= stages * quantiles * epsilon, "composition must never be worse than basic composition");
    }

    [Theory]
    [MemberData(nameof(QuantileLedgers))]
    public void PldComposesQuantilesInsteadOfAddingThem(int stages, int quantiles, double epsilon)
    {
        var costs = Enumerable.Range(0, stages).Select(_ => (PrivacyCost)DpQuantiles.Cost(quantiles, epsilon)).ToArray();
        double composed = Pld.Epsilon(costs, 1e-5, estimateError: false).Epsilon;
        double oneQuantile = Pld.Epsilon([DpQuantiles.Cost(1, epsilon)], 1e-5, estimateError: false).Epsilon;
        // The old representation: each stage one pure-DP release of m·ε (randomized response).
        double asPureStages = Pld.Epsilon(costs.Select(_ => (PrivacyCost)new PureDpCost(quantiles * epsilon)).ToArray(), 1e-5, estimateError: false).Epsilon;
        Assert.True(composed >= oneQuantile);
        Assert.True(composed < asPureStages, $"bounded-range composition {composed} is not below the pure-DP one {asPureStages}");
    }

    /// <summary>The encoder's case that was reported: an ε share of 1 over 21 stages (7 numeric columns with DP bounds and grids, 7 discovered categoricals).</summary>
    [Fact]
    public void EncoderShareOfOneStaysWithinOneUnderPld()
    {
        double delta = 1e-5, discoveryTotal = delta / 10;
        double l = Math.Log(1 / (delta - discoveryTotal));
        double sqrtRho = Math.Sqrt(l + 1) - Math.Sqrt(l);
        double rho = sqrtRho * sqrtRho / 21;
        var ledger = new PrivacyLedger(new PrivacyBudget(1, delta), new RandomnessRecord(RandomnessKind.UserSeed, 1), AccountantKind.Pld);
        for (int c = 0; c < 7; c++)
        {
            ledger.Spend(new LedgerStage($"bounds of column {c}", "quantiles", DpQuantiles.Cost(2, Math.Sqrt(8 * rho / 2))));
            ledger.Spend(new LedgerStage($"quantile grid of column {c}", "quantiles", DpQuantiles.Cost(31, Math.Sqrt(8 * rho / 31))));
            ledger.Spend(new LedgerStage($"categories of column {c}", "histogram", DpHistogram.Cost(Math.Sqrt(1 / (2 * rho)), discoveryTotal / 7)));
        }
        Assert.Equal(21, ledger.Stages.Count);
        Assert.InRange(ledger.TotalEpsilon, 0.5, 1);
    }

    /// <summary>Twenty different small stages: the running composition agrees with composing them all at once, and refusals leave it untouched.</summary>
    [Fact]
    public void TwentySmallStagesOnAPldLedgerMatchTheBatchComposition()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(2, 1e-6), new RandomnessRecord(RandomnessKind.UserSeed, 3), AccountantKind.Pld);
        var costs = new List<PrivacyCost>();
        for (int i = 0; i < 20; i++)
        {
            PrivacyCost cost = (i % 4) switch
            {
                0 => new SubsampledGaussianCost(8 + i, 1, 1),
                1 => DpQuantiles.Cost(1 + i % 5, 0.01 + 0.001 * i),
                2 => DpHistogram.Cost(20 + i, 1e-9),
                _ => new SubsampledGaussianCost(3 + 0.1 * i, 0.05, 10 + i),
            };
            ledger.Spend(new LedgerStage($"stage {i}", "mixed", cost));
            costs.Add(cost);
            if (i == 9)
            {
                double before = ledger.TotalEpsilon;
                Assert.Throws<PrivacyBudgetExceededException>(() => ledger.Spend(new LedgerStage("greedy", "gaussian", new SubsampledGaussianCost(0.3, 1, 50))));
                Assert.Equal(before, ledger.TotalEpsilon);
                Assert.Equal(10, ledger.Stages.Count);
            }
        }
        double batch = Pld.Epsilon(costs, 1e-6, estimateError: false).Epsilon;
        double rdp = RdpAccountant.Epsilon(costs, 1e-6).Epsilon;
        Assert.InRange(ledger.TotalEpsilon, batch * 0.999, Math.Min(batch * 1.001, rdp));
        Assert.Equal(ledger.TotalEpsilon, PrivacyLedger.FromJson(ledger.ToJson()).TotalEpsilon);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(-3e-9)]
    [InlineData(5e-5)]
    [InlineData(0.05)]
    [InlineData(-0.09)]
    [InlineData(0.7)]
    [InlineData(-40)]
    [InlineData(300)]
    public void Expm1IsAccurateWhereMathNetsIsNot(double x)
    {
        double exact = 2 * Math.Exp(x / 2) * Math.Sinh(x / 2); // no cancellation: sinh is accurate near 0
        Assert.Equal(1, DpSynth.Privacy.Numerics.Exponential.MinusOne(x) / exact, 1e-14);
    }

    [Fact]
    public void ExponentialMechanismCostRoundTripsAndRefusesBadParameters()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(5, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1));
        ledger.Spend(new LedgerStage("q", "quantiles", DpQuantiles.Cost(4, 0.25)));
        string json = ledger.ToJson();
        Assert.Contains("\"kind\": \"exponential_mechanism\"", json);
        Assert.Equal(ledger.Stages[0].Cost, PrivacyLedger.FromJson(json).Stages[0].Cost);
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Spend(new LedgerStage("bad", "q", new ExponentialMechanismCost(0.1, 0))));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Spend(new LedgerStage("bad", "q", new ExponentialMechanismCost(-1, 2))));
        Assert.Single(ledger.Stages);
    }
}
