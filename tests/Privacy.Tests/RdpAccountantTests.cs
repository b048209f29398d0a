using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Rdp;

namespace DpSynth.Privacy.Tests;

public class RdpAccountantTests
{
    [Fact]
    public void MatchesOpacusReferenceEpsilon()
    {
        // Opacus 1.4 RDPAccountant, default orders: q = 1/32, σ = 2.949, 160 steps, δ = 1e-5 → ε ≈ 0.5637.
        var r = RdpAccountant.Epsilon(1.0 / 32, 2.949, 160, 1e-5);
        Assert.InRange(r.Epsilon, 0.5637 * 0.995, 0.5637 * 1.005);
    }

    [Theory]
    [InlineData(480, 2.949)]
    [InlineData(160, 1.895)]
    public void CalibrationMatchesOpacusReference(long steps, double expectedSigma)
    {
        double sigma = NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, 1.0 / 32, steps, 1.0, 1e-5);
        Assert.InRange(sigma, expectedSigma * 0.995, expectedSigma * 1.005);
    }

    [Fact]
    public void DefaultOrdersAreOpacusGrid()
    {
        var orders = RdpAccountant.DefaultOrders;
        Assert.Equal(99 + 52, orders.Count);
        Assert.Equal(1.1, orders[0], 12);
        Assert.Equal(10.9, orders[98], 12);
        Assert.Equal(12, orders[99]);
        Assert.Equal(63, orders[^1]);
    }

    [Fact]
    public void FullBatchIsGaussianRdp()
    {
        foreach (double a in new[] { 1.5, 2, 7.3, 32 })
            Assert.Equal(a / (2 * 1.3 * 1.3), RdpAccountant.SubsampledGaussian(1, 1.3, a), 12);
    }

    [Fact]
    public void FractionalOrdersInterpolateIntegerOrders()
    {
        // RDP is non-decreasing in α; the fractional series must land between its integer neighbours.
        for (double a = 2; a < 12; a += 1)
        {
            double lo = RdpAccountant.SubsampledGaussian(0.01, 0.9, a);
            double mid = RdpAccountant.SubsampledGaussian(0.01, 0.9, a + 0.5);
            double hi = RdpAccountant.SubsampledGaussian(0.01, 0.9, a + 1);
            Assert.InRange(mid, lo, hi);
        }
    }

    [Fact]
    public void FractionalOrderIsContinuousAtIntegers()
    {
        // The fractional series (Mironov et al. Sec. 3.3) and the integer sum (Sec. 3.2) agree at α → integer.
        double atInteger = RdpAccountant.SubsampledGaussian(0.05, 1.1, 5);
        double nearInteger = RdpAccountant.SubsampledGaussian(0.05, 1.1, 5 + 1e-7);
        Assert.Equal(atInteger, nearInteger, 1e-6 * atInteger);
    }

    [Fact]
    public void SmallSampleRateMatchesLeadingOrderExpansion()
    {
        // For small q, RDP(α) ≈ q²·α·(e^{1/σ²} − 1)/2 (Mironov et al. 2019, Sec. 3.3).
        double q = 1e-4, sigma = 2, alpha = 4;
        double expected = q * q * alpha * (Math.Exp(1 / (sigma * sigma)) - 1) / 2;
        Assert.Equal(expected, RdpAccountant.SubsampledGaussian(q, sigma, alpha), 0.01 * expected);
    }

    [Fact]
    public void RejectsImpossibleInputs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(1.5, 1, 10, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(0.1, 0, 10, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(0.1, 1, 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.Epsilon(0.1, 1, 0, 1e-5));
    }
}
