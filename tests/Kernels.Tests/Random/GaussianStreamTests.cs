using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Tests.Random;

public sealed class GaussianStreamTests
{
    private static readonly NoiseKey Key = NoiseKey.FromSeed(20261123);

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(0UL, 160)]
    [InlineData(0UL, 1000)]
    [InlineData(37UL, 255)]
    [InlineData(255UL, 257)]
    [InlineData(1UL << 40, 3333)]
    public void VectorPathIsBitIdenticalToScalarDefinition(ulong offset, int length)
    {
        var start = RandomStart(length);
        var vector = (float[])start.Clone();
        var scalar = (float[])start.Clone();
        GaussianStream.Add(Key, offset, 0.75f, vector);
        GaussianStream.AddScalar(Key, offset, 0.75f, scalar);
        for (int i = 0; i < length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(vector[i]) == BitConverter.SingleToInt32Bits(scalar[i]),
                $"element {i} of offset {offset}: vector {vector[i]:R} vs scalar {scalar[i]:R}");
    }

    [Fact]
    public void AnyRangeEqualsTheSameSliceOfALongerDraw()
    {
        var whole = new float[2000];
        GaussianStream.Fill(Key, 1000, whole);
        var part = new float[333];
        GaussianStream.Fill(Key, 1000 + 517, part);
        Assert.Equal(whole.AsSpan(517, 333).ToArray(), part);
    }

    [Fact]
    public void StreamsAndKeysAreIndependent()
    {
        var a = new float[256];
        var b = new float[256];
        var c = new float[256];
        GaussianStream.Fill(Key, 0, a);
        GaussianStream.Fill(Key.WithStream(1), 0, b);
        GaussianStream.Fill(NoiseKey.FromSeed(7), 0, c);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.False(Key.IsSecure);
        Assert.True(NoiseKey.CreateSecure().IsSecure);
    }

    [Fact]
    public void MomentsAndTailsMatchTheStandardNormal()
    {
        const int n = 2_000_000;
        var z = new float[n];
        GaussianStream.Fill(Key, 0, z);
        double sum = 0, sumSq = 0, sum4 = 0;
        int beyond1 = 0, beyond2 = 0, beyond3 = 0;
        foreach (float v in z)
        {
            Assert.True(float.IsFinite(v), "non-finite normal");
            sum += v; sumSq += (double)v * v; sum4 += (double)v * v * v * v;
            float a = MathF.Abs(v);
            if (a > 1) beyond1++;
            if (a > 2) beyond2++;
            if (a > 3) beyond3++;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        // Five standard errors of each statistic.
        Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(variance, 1 - 5 * Math.Sqrt(2.0 / n), 1 + 5 * Math.Sqrt(2.0 / n));
        Assert.InRange(sum4 / n, 3 - 5 * Math.Sqrt(96.0 / n), 3 + 5 * Math.Sqrt(96.0 / n));
        AssertFrequency(beyond1, n, 0.31731050786);
        AssertFrequency(beyond2, n, 0.04550026390);
        AssertFrequency(beyond3, n, 0.00269979606);
    }

    [Fact]
    public void LogAndAngleApproximationsAreAccurate()
    {
        for (double u = 6.938893903907228e-18; u <= 1; u *= 1.37)
        {
            float f = (float)u;
            double err = Math.Abs(GaussianStream.Log(f) - Math.Log(f));
            Assert.True(err <= 4e-7 * Math.Max(1, Math.Abs(Math.Log(f))), $"ln({f}) off by {err}");
        }
        Assert.Equal(0f, GaussianStream.Log(1f));
        for (uint w = 0; w < uint.MaxValue - (1u << 20); w += (1u << 20) + 12345)
        {
            var (c, s) = GaussianStream.CosSin(w);
            double theta = 2 * Math.PI * (w >> 8) / 16777216.0;
            Assert.True(Math.Abs(c - Math.Cos(theta)) < 3e-7 && Math.Abs(s - Math.Sin(theta)) < 3e-7, $"angle {theta}: ({c}, {s})");
        }
    }

    [Fact]
    public void RadiusCoversTheDocumentedRange()
    {
        // The largest radius needs a zero radius word and a zero extension word; scan extension
        // blocks for a zero word's neighbourhood instead: any tail radius lies in (5.7, 9.49].
        for (ulong block = 0; block < 64; block++)
        {
            float r = GaussianStream.TailRadius(Key, block, (int)(block % 8), (uint)(block % 256));
            Assert.InRange(r, 5.7f, 9.49f);
        }
        Assert.InRange(GaussianStream.Radius(256), 5.7f, 5.8f);
        Assert.Equal(0f, MathF.Abs(GaussianStream.Radius(uint.MaxValue)));
    }

    [Fact]
    public void TailLanesMatchTheScalarDefinition()
    {
        // Find chunks containing a radius word below 256 by brute force over the scalar keystream,
        // then check the vector path reproduces their normals. Probability is 2^-24 per pair, so
        // search a dedicated key's stream where one is known to occur early.
        var words = new uint[16];
        for (ulong block = 0; block < (1UL << 26); block++)
        {
            ChaCha20.KeystreamBlock(Key, block, words);
            for (int p = 0; p < 8; p++)
            {
                if (words[2 * p] >= 256) continue;
                ulong chunk = block / GaussianStream.Lanes;
                var vector = new float[GaussianStream.ChunkElements];
                var scalar = new float[GaussianStream.ChunkElements];
                GaussianStream.Add(Key, chunk * GaussianStream.ChunkElements, 1f, vector);
                GaussianStream.AddScalar(Key, chunk * GaussianStream.ChunkElements, 1f, scalar);
                Assert.Equal(scalar, vector);
                int lane = (int)(block % GaussianStream.Lanes);
                float r = MathF.Sqrt(vector[2 * p * 16 + lane] * vector[2 * p * 16 + lane] + vector[(2 * p + 1) * 16 + lane] * vector[(2 * p + 1) * 16 + lane]);
                Assert.True(r > 5.7f, $"tail pair radius {r}");
                return;
            }
        }
        Assert.Fail("no radius word below 256 in the first 2^26 blocks");
    }

    private static void AssertFrequency(int count, int n, double p)
    {
        double expected = n * p, sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(count, expected - 5 * sd, expected + 5 * sd);
    }

    private static float[] RandomStart(int length)
    {
        var rng = new System.Random(length);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)rng.NextDouble() - 0.5f;
        return x;
    }
}
