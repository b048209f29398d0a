using DpSynth.Kernels.Random;
using DpSynth.Models.Training;

namespace DpSynth.Models.Tests.Training;

public class PoissonSamplerTests
{
    [Fact]
    public void BatchSizesFollowTheBinomial()
    {
        const int n = 20_000, steps = 3000;
        const double q = 0.01;
        var sampler = new PoissonSampler(n, q, NoiseKey.FromSeed(1));
        var sizes = new double[steps];
        var hits = new int[n];
        for (int s = 0; s < steps; s++)
        {
            var batch = sampler.Sample(s);
            sizes[s] = batch.Length;
            for (int i = 0; i < batch.Length; i++)
            {
                Assert.InRange(batch[i], 0, n - 1);
                if (i > 0) Assert.True(batch[i] > batch[i - 1], "indices must be strictly increasing");
                hits[batch[i]]++;
            }
        }
        double mean = sizes.Average();
        double variance = sizes.Select(v => (v - mean) * (v - mean)).Sum() / (steps - 1);
        double expectedMean = n * q, expectedVariance = n * q * (1 - q);
        double meanSe = Math.Sqrt(expectedVariance / steps);
        double varianceSe = expectedVariance * Math.Sqrt(2.0 / (steps - 1));
        Assert.True(Math.Abs(mean - expectedMean) <= 5 * meanSe, $"mean batch {mean} vs {expectedMean} ± {meanSe}");
        Assert.True(Math.Abs(variance - expectedVariance) <= 5 * varianceSe, $"batch variance {variance} vs {expectedVariance} ± {varianceSe}");
        // Every record is included with probability q, wherever it sits (no bias against the end).
        double firstHalf = hits.Take(n / 2).Average(), secondHalf = hits.Skip(n / 2).Average();
        double perRecordSe = Math.Sqrt(steps * q * (1 - q) / (n / 2));
        Assert.True(Math.Abs(firstHalf - secondHalf) <= 5 * Math.Sqrt(2) * perRecordSe, $"inclusion rate {firstHalf} vs {secondHalf}");
    }

    [Fact]
    public void StepsAreReproducibleAndIndependentOfCallOrder()
    {
        var a = new PoissonSampler(1000, 0.05, NoiseKey.FromSeed(7));
        var b = new PoissonSampler(1000, 0.05, NoiseKey.FromSeed(7));
        var step5 = a.Sample(5).ToArray();
        b.Sample(0);
        b.Sample(9);
        Assert.Equal(step5, b.Sample(5).ToArray());
        Assert.NotEqual(step5, a.Sample(6).ToArray());
        Assert.NotEqual(step5, new PoissonSampler(1000, 0.05, NoiseKey.FromSeed(8)).Sample(5).ToArray());
    }

    [Fact]
    public void RateOneTakesEveryRecord()
    {
        var sampler = new PoissonSampler(50, 1.0, NoiseKey.FromSeed(3));
        Assert.Equal(Enumerable.Range(0, 50), sampler.Sample(0).ToArray());
    }

    [Fact]
    public void CapacityIsAHighQuantileCappedAtN()
    {
        Assert.Equal(1024 + (int)Math.Ceiling(6 * Math.Sqrt(32768 * (1.0 / 32) * (31.0 / 32))) + 1, PoissonSampler.Capacity(32768, 1.0 / 32));
        Assert.Equal(10, PoissonSampler.Capacity(10, 0.9));
    }
}
