using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Pld;

namespace DpSynth.Privacy.Tests;

public class CalibrationTests
{
    [Theory]
    [InlineData(AccountantKind.Rdp, 0.01, 1000L, 2.0)]
    [InlineData(AccountantKind.Rdp, 1.0, 5L, 4.0)]
    [InlineData(AccountantKind.Pld, 0.02, 50L, 1.0)]
    public void CalibratedSigmaRoundTrips(AccountantKind kind, double q, long steps, double targetEps)
    {
        var pld = new PldAccountant(1e-3); // the round trip holds on any grid; a coarse one keeps the test fast
        double sigma = NoiseCalibrator.NoiseMultiplier(kind, q, steps, targetEps, 1e-5, pld);
        double eps = NoiseCalibrator.Epsilon(kind, q, sigma, steps, 1e-5, pld);
        Assert.True(eps <= targetEps, $"calibrated σ={sigma} gives ε={eps} > {targetEps}");
        Assert.True(eps > targetEps * 0.999, $"σ={sigma} is not the smallest: ε={eps}");
        double slightlyLess = NoiseCalibrator.Epsilon(kind, q, sigma * (1 - 1e-3), steps, 1e-5, pld);
        Assert.True(slightlyLess > targetEps);
    }

    [Fact]
    public void PldNeedsNoMoreNoiseThanRdp()
    {
        double rdp = NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, 0.02, 50, 1, 1e-5);
        double pld = NoiseCalibrator.NoiseMultiplier(AccountantKind.Pld, 0.02, 50, 1, 1e-5, new PldAccountant(1e-3));
        Assert.True(pld <= rdp);
    }

    [Fact]
    public void AnalyticGaussianCalibrationIsTightAndBeatsClassical()
    {
        double eps = 0.5, delta = 1e-6, sens = 2;
        double sigma = AnalyticGaussianMechanism.CalibrateSigma(eps, delta, sens);
        Assert.Equal(delta, AnalyticGaussianMechanism.Delta(sigma, sens, eps), delta * 1e-6);
        Assert.True(AnalyticGaussianMechanism.Delta(sigma * 0.999, sens, eps) > delta);
        double classical = sens * Math.Sqrt(2 * Math.Log(1.25 / delta)) / eps;
        Assert.True(sigma < classical);
    }

    [Fact]
    public void RefusesImpossibleTargets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, 0.01, 100, 0, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, 0.01, 100, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibrator.NoiseMultiplier(AccountantKind.Rdp, 0, 100, 1, 1e-5));
    }
}
