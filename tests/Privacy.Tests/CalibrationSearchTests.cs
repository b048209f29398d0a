using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Tests;

/// <summary>
/// The σ search behind <see cref="LedgerCalibration"/>: on monotone price curves of known root it
/// returns a σ that fits and lies within the tolerance of the smallest that does, and on smooth
/// curves (the shape of PLD prices) it needs few prices, each of which is a PLD composition.
/// </summary>
public class CalibrationSearchTests
{
    public static TheoryData<string> Curves => ["inverse", "exponential", "steep", "flat tail"];

    private static Func<double, double> Curve(string name) => name switch
    {
        "inverse" => sigma => 5 / sigma,                         // root 5 at ε = 1
        "exponential" => sigma => Math.Exp(3 / sigma) - 1,        // root 3/ln 2
        "steep" => sigma => sigma < 2.5 ? 50 : 0.2 + (3 - sigma), // jumps over the budget below 2.5
        "flat tail" => sigma => 1 / (sigma * sigma * sigma),       // root 1
        _ => throw new ArgumentException(name),
    };

    private static double Root(string name) => name switch
    {
        "inverse" => 5,
        "exponential" => 3 / Math.Log(2),
        "steep" => 2.5,
        "flat tail" => 1,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void TheSigmaFoundFitsAndIsWithinHalfAPercentOfTheSmallestThatDoes(string curve)
    {
        var price = Curve(curve);
        double start = Root(curve) * 1.7;
        double sigma = LedgerCalibration.Narrow(price, 1, start, price(start));
        Assert.True(price(sigma) <= 1, $"σ {sigma} does not fit");
        Assert.InRange(sigma, Root(curve) * (1 - 1e-12), Root(curve) / (1 - 5e-3));
    }

    [Theory]
    [InlineData("inverse")]
    [InlineData("exponential")]
    [InlineData("flat tail")]
    public void ASmoothCurveNeedsFewPrices(string curve)
    {
        var price = Curve(curve);
        int calls = 0;
        double start = Root(curve) * 1.3;
        LedgerCalibration.Narrow(s => { calls++; return price(s); }, 1, start, price(start));
        // Halving from a 30 % bracket to 0.5 % alone would take 6 prices and the bracket 1 more.
        Assert.InRange(calls, 1, 5);
    }

    [Fact]
    public void ACandidatePricedBeforeAStageIsSpentIsPricedAfreshAfterIt()
    {
        static PrivacyLedger Fresh() => new(new PrivacyBudget(2, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 3));
        var candidate = new LedgerStage("training", LedgerCalibration.TrainingMechanism, new SubsampledGaussianCost(2.5, 0.1, 20));
        var other = new LedgerStage("marginals", "gaussian", new SubsampledGaussianCost(6, 1, 1));
        var ledger = Fresh();
        double alone = ledger.EpsilonWith(candidate);
        ledger.Spend(other);
        var reference = Fresh();
        reference.Spend(other);
        double after = ledger.EpsilonWith(candidate);
        Assert.Equal(reference.EpsilonWith(candidate), after);
        Assert.True(after > alone);
    }
}

/// <summary>The spectrum power behind every PLD composition (repeated squaring) agrees with Complex.Pow.</summary>
public class SpectrumPowerTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(32L)]
    [InlineData(1000L)]
    [InlineData(123457L)]
    public void RepeatedSquaringMatchesComplexPow(long n)
    {
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            // Characteristic-function values: modulus at most 1, near 1 for the frequencies that matter.
            double modulus = Math.Pow(random.NextDouble(), 1.0 / (n + 1)), angle = (random.NextDouble() * 2 - 1) * Math.PI;
            var z = System.Numerics.Complex.FromPolarCoordinates(modulus, angle);
            var expected = System.Numerics.Complex.Pow(z, n);
            var actual = DpSynth.Privacy.Pld.PldAccountant.Power(z, n);
            Assert.True((actual - expected).Magnitude <= 1e-9 * Math.Max(expected.Magnitude, 1e-300) + 1e-300,
                $"z = {z}, n = {n}: {actual} vs {expected}");
        }
    }
}
