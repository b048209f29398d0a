using DpSynth.Models.Twins;

namespace DpSynth.Models.Tests.Twins;

public class RubinPoolingTests
{
    [Fact]
    public void FullySyntheticRulesOnConstructedInputs()
    {
        // q = 0..4: q̄ = 2, B = (4+1+0+1+4)/4 = 2.5, (1 + 1/5)·B = 3; Ū = 1.5 → T = 1.5;
        // ν = 4·(1 − 1.5/3)² = 1, t_{1, 0.975} = 12.7062047.
        var p = RubinPooling.Pool("b", [0, 1, 2, 3, 4], [1, 2, 1.5, 1, 2]);
        Assert.Equal(2, p.Estimate, 12);
        Assert.Equal(2.5, p.BetweenVariance, 12);
        Assert.Equal(1.5, p.MeanWithinVariance, 12);
        Assert.Equal(1.5, p.TotalVariance, 12);
        Assert.False(p.UsedFallback);
        Assert.Equal(1, p.DegreesOfFreedom, 12);
        Assert.Equal(Math.Sqrt(1.5), p.StandardError, 12);
        Assert.Equal(2 + 12.7062047 * Math.Sqrt(1.5), p.Upper95, 5);
        Assert.Equal(2 - 12.7062047 * Math.Sqrt(1.5), p.Lower95, 5);
    }

    [Fact]
    public void ZeroWithinVarianceGivesMMinusOneDegreesOfFreedom()
    {
        // q = 1, 2, 3, u = 0: B = 1, T = 4/3, ν = 2 · 1² = 2, t_{2, 0.975} = 4.3026527.
        var p = RubinPooling.Pool("b", [1, 2, 3], [0, 0, 0]);
        Assert.Equal(4 / 3.0, p.TotalVariance, 12);
        Assert.Equal(2, p.DegreesOfFreedom, 12);
        Assert.Equal(2 + 4.3026527 * Math.Sqrt(4 / 3.0), p.Upper95, 5);
    }

    [Fact]
    public void NonPositiveTotalUsesReiterFallbackAndNormalQuantile()
    {
        // q = 1, 1.1: B = 0.005, (1 + 1/2)·B = 0.0075, Ū = 1 → T = −0.9925 ≤ 0.
        // Fallback T* = (n_syn/n)·Ū = 0.5 with n_syn/n = 0.5; interval q̄ ± 1.959964·√0.5.
        var p = RubinPooling.Pool("b", [1, 1.1], [1, 1], syntheticToOriginalRatio: 0.5);
        Assert.True(p.UsedFallback);
        Assert.Equal(-0.9925, p.RawTotalVariance, 12);
        Assert.Equal(0.5, p.TotalVariance, 12);
        Assert.True(double.IsPositiveInfinity(p.DegreesOfFreedom));
        Assert.Equal(1.05 + 1.959964 * Math.Sqrt(0.5), p.Upper95, 5);

        // Identical estimates (B = 0) make T = −Ū as well.
        var same = RubinPooling.Pool("b", [2, 2, 2], [0.3, 0.3, 0.3]);
        Assert.True(same.UsedFallback);
        Assert.Equal(0.3, same.TotalVariance, 12);
    }

    [Fact]
    public void HugeDegreesOfFreedomUseTheNormalQuantile()
    {
        // Ū ≪ B makes ν ≈ M − 1 at most, so huge ν needs many datasets: M = 3·10⁶ would be
        // silly; instead check the threshold directly through a large M with u = 0.
        var q = Enumerable.Range(0, 2_000_001).Select(i => (double)(i % 2)).ToArray();
        var p = RubinPooling.Pool("b", q, new double[q.Length]);
        Assert.True(double.IsPositiveInfinity(p.DegreesOfFreedom));
        Assert.Equal(p.Estimate + 1.959964 * p.StandardError, p.Upper95, 5);
    }

    [Theory]
    [InlineData(1, 12.7062047362)]
    [InlineData(2, 4.30265272975)]
    [InlineData(10, 2.22813885196)]
    [InlineData(0.5, 164.557673)]  // by numerical integration of the t density
    public void StudentQuantileMatchesTables(double df, double expected) =>
        Assert.Equal(expected, RubinPooling.TwoSidedT95(df), 1e-6 * expected);

    [Fact]
    public void TinyDegreesOfFreedomGiveAHugeButFiniteOrInfiniteInterval()
    {
        Assert.True(RubinPooling.TwoSidedT95(0.05) > 1e20);
        Assert.True(double.IsPositiveInfinity(RubinPooling.TwoSidedT95(1e-4)));
    }

    [Fact]
    public void InputsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => RubinPooling.Pool("b", [1.0], [1.0]));
        Assert.Throws<ArgumentException>(() => RubinPooling.Pool("b", [1.0, 2], [1.0]));
        Assert.Throws<ArgumentException>(() => RubinPooling.Pool("b", [1.0, double.NaN], [1.0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RubinPooling.Pool("b", [1.0, 2], [1.0, 1], 0));
    }
}
