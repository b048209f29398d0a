using DpSynth.Privacy.Auditing;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Numerics;
using MathNet.Numerics;

namespace DpSynth.Privacy.Tests.Audit;

public class ClopperPearsonTests
{
    [Fact]
    public void ZeroAndAllSuccessesHaveClosedForms()
    {
        Assert.Equal(1 - Math.Pow(0.05, 1.0 / 50), ClopperPearson.Upper(0, 50, 0.05), 12);
        Assert.Equal(Math.Pow(0.05, 1.0 / 50), ClopperPearson.Lower(50, 50, 0.05), 12);
        Assert.Equal(0, ClopperPearson.Lower(0, 50, 0.05));
        Assert.Equal(1, ClopperPearson.Upper(50, 50, 0.05));
    }

    [Fact]
    public void ThreeOfTenMatchesTheTabulatedInterval()
    {
        // The textbook exact 95% interval for 3/10 is (0.0667, 0.6525).
        var (lo, hi) = ClopperPearson.Interval(3, 10, 0.05);
        Assert.Equal(0.06674, lo, 1e-5);
        Assert.Equal(0.65245, hi, 1e-5);
    }

    [Fact]
    public void LargeSamplesAgreeWithTheNormalApproximation()
    {
        var (lo, hi) = ClopperPearson.Interval(500_000, 1_000_000, 0.05);
        double half = 1.959964 * Math.Sqrt(0.25 / 1_000_000);
        Assert.Equal(0.5 - half, lo, 5);
        Assert.Equal(0.5 + half, hi, 5);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(40)]
    public void OneSidedBoundsCoverAtLeastTheNominalLevelForEveryP(int n)
    {
        // Exact coverage: sum the binomial probabilities of the counts whose bound covers p.
        var upper = Enumerable.Range(0, n + 1).Select(k => ClopperPearson.Upper(k, n, 0.05)).ToArray();
        var lower = Enumerable.Range(0, n + 1).Select(k => ClopperPearson.Lower(k, n, 0.05)).ToArray();
        for (double p = 0.01; p < 1; p += 0.0137)
        {
            double upperCover = 0, lowerCover = 0;
            for (int k = 0; k <= n; k++)
            {
                double pmf = Math.Exp(SpecialFunctions.BinomialLn(n, k) + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
                if (upper[k] >= p) upperCover += pmf;
                if (lower[k] <= p) lowerCover += pmf;
            }
            Assert.True(upperCover >= 0.95 - 1e-9, $"upper bound covers p = {p} with probability {upperCover}");
            Assert.True(lowerCover >= 0.95 - 1e-9, $"lower bound covers p = {p} with probability {lowerCover}");
        }
    }
}

public class OneRunAuditTests
{
    [Fact]
    public void AllCorrectWithoutDeltaInvertsTheBinomialTail()
    {
        // δ = 0, v = r: p = q^r, so the first rejected-to-accepted crossing is at q = β^{1/r}.
        int r = 100;
        double q = Math.Pow(0.05, 1.0 / r), expected = Math.Log(q / (1 - q));
        Assert.Equal(expected, OneRunAudit.EpsilonLowerBound(1000, r, r, 0, 0.05), 6);
        Assert.Equal(0.05, OneRunAudit.PValue(1000, r, r, expected, 0), 6);
    }

    [Fact]
    public void PaperExampleGivesItsEpsilon()
    {
        // Appendix D of Steinke, Nasr & Jagielski (2023): m = 1000, r = 100, v = 75, δ = 1e-4, β = 0.05 → ε ≈ 0.673.
        Assert.Equal(0.673, OneRunAudit.EpsilonLowerBound(1000, 100, 75, 1e-4, 0.05), 3);
    }

    [Fact]
    public void DeltaTermOnlyRaisesThePValue()
    {
        double without = OneRunAudit.PValue(1000, 200, 140, 0.5, 0);
        double with = OneRunAudit.PValue(1000, 200, 140, 0.5, 1e-5);
        Assert.True(with > without);
        Assert.True(OneRunAudit.EpsilonLowerBound(1000, 200, 140, 1e-5, 0.05) <= OneRunAudit.EpsilonLowerBound(1000, 200, 140, 0, 0.05));
    }

    [Fact]
    public void RandomizedResponseIsOverstatedAtMostAtTheLevel()
    {
        // Canaries guessed through ε₀-randomized response: each guess is right with probability
        // e^ε₀/(1 + e^ε₀). The audit may claim ε̂ > ε₀ in at most a fraction β of runs.
        const double epsilon0 = 1, beta = 0.05;
        const int m = 300, runs = 400;
        var random = new Random(12345);
        double right = Math.Exp(epsilon0) / (1 + Math.Exp(epsilon0));
        int over = 0;
        for (int run = 0; run < runs; run++)
        {
            int v = 0;
            for (int i = 0; i < m; i++) if (random.NextDouble() < right) v++;
            if (OneRunAudit.EpsilonLowerBound(m, m, v, 0, beta) > epsilon0) over++;
        }
        Assert.True(over <= runs * beta + 3 * Math.Sqrt(runs * beta), $"{over} of {runs} audits overstated epsilon");
        Assert.True(over >= 1, "no audit came near epsilon0: the bound is far looser than it should be");
    }
}

public class GaussianTradeOffTests
{
    [Fact]
    public void MuIsTheSumOfTheTwoTailQuantiles()
    {
        Assert.Equal(1.7, GaussianTradeOff.Mu(StandardNormal.Survival(0.5), StandardNormal.Survival(1.2)), 9);
    }

    [Theory]
    [InlineData(0.5, 1e-5)]
    [InlineData(2, 1e-6)]
    [InlineData(8, 1e-5)]
    public void EpsilonInvertsTheAnalyticGaussianCalibration(double epsilon, double delta)
    {
        double sigma = AnalyticGaussianMechanism.CalibrateSigma(epsilon, delta, 1);
        Assert.Equal(epsilon, GaussianTradeOff.Epsilon(1 / sigma, delta), 6);
    }

    [Fact]
    public void IntervalFromExactRatesContainsTheTruth()
    {
        // Counts equal to their expectations at μ = 1 with the threshold at ½: both rates Φc(½).
        long n = 1_000_000, errors = (long)Math.Round(n * StandardNormal.Survival(0.5));
        var (estimate, lower, upper) = GaussianTradeOff.MuInterval(errors, n, errors, n, 0.05);
        Assert.Equal(1, estimate, 3);
        Assert.InRange(1.0, lower, upper);
        Assert.True(upper - lower < 0.02, $"interval [{lower}, {upper}] is wider than 10^6 draws allow");
    }
}

public class MembershipTestBoundTests
{
    [Fact]
    public void PerfectTestOnFiftyRunsEachCertifiesAboutTwoAndAHalf()
    {
        double u = 1 - Math.Pow(0.025, 1.0 / 50);
        Assert.Equal(Math.Log((1 - 1e-5 - u) / u), MembershipTestBound.Epsilon(0, 50, 0, 50, 1e-5, 0.05), 9);
    }

    [Fact]
    public void ChanceLevelErrorsCertifyNothing()
    {
        Assert.Equal(0, MembershipTestBound.Epsilon(25, 50, 25, 50, 1e-5, 0.05));
        Assert.Equal(0, MembershipTestBound.Epsilon(0.5, 0.5, 0));
    }

    [Fact]
    public void BothErrorOrientationsCount()
    {
        Assert.Equal(Math.Log(0.9 / 0.1), MembershipTestBound.Epsilon(0.1, 0.1, 0), 12);
        // FPR 0.05, FNR 0.2: ln(0.8/0.05) beats ln(0.95/0.2).
        Assert.Equal(Math.Log(0.8 / 0.05), MembershipTestBound.Epsilon(0.05, 0.2, 0), 12);
        Assert.Equal(Math.Log(0.8 / 0.05), MembershipTestBound.Epsilon(0.2, 0.05, 0), 12);
    }
}

public class NoiseCheckTests
{
    private static NoiseLaw Normal(double sigma) => new($"N(0, {sigma}²)", 0, sigma * sigma, 3 * Math.Pow(sigma, 4),
        x => StandardNormal.Cdf(x / sigma), x => StandardNormal.Cdf(x / sigma));

    private static double[] Sample(int n, double sigma, int seed)
    {
        var random = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return x;
    }

    [Fact]
    public void NormalSampleIsConsistentWithItsLaw()
    {
        var check = NoiseCheck.Of(Sample(200_000, 2, 1), Normal(2));
        Assert.True(check.Consistent, $"mean z {check.MeanZ}, variance z {check.VarianceZ}, KS p {check.KolmogorovSmirnovPValue}");
    }

    [Fact]
    public void TwoPercentTooMuchNoiseIsSeen()
    {
        var check = NoiseCheck.Of(Sample(200_000, 2.04, 2), Normal(2));
        Assert.False(check.Consistent);
        Assert.True(check.VarianceZ > 5);
    }

    [Theory]
    [InlineData(1.358, 0.05)]
    [InlineData(1.628, 0.01)]
    [InlineData(0.5, 0.9639)]
    public void KolmogorovTailMatchesTabulatedValues(double lambda, double p)
    {
        // With n huge the small-sample correction vanishes: D = λ/√n.
        long n = 1L << 40;
        Assert.Equal(p, NoiseCheck.KolmogorovPValue(lambda / Math.Sqrt(n), n), 3);
    }
}
