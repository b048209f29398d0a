using System.Globalization;
using System.Text;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>
/// Numeric columns without public bounds: a DP histogram over sign × power-of-two buckets finds
/// where the values are at any scale, then DP quantiles inside that range give the bounds.
/// </summary>
public class DpRangeTests
{
    private static PrivacyLedger Ledger() =>
        new(new PrivacyBudget(100, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1), AccountantKind.Rdp);

    private static EncoderFitOptions Options(NumericTransform transform, ulong seed = 3) => new()
    {
        Numeric = transform,
        Epsilon = 4,
        Random = new SeededRandomSource(seed),
    };

    /// <summary>A continuous column of <paramref name="rows"/> values spread uniformly over [lo, hi].</summary>
    private static Table Column(double lo, double hi, int rows = 3000, int seed = 1)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("x\n");
        for (int r = 0; r < rows; r++) sb.Append((lo + rng.NextDouble() * (hi - lo)).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        var schema = new TableSchema([new ColumnSchema("x", ColumnKind.Continuous, Precision: 12)]);
        return CsvTableReader.Read(new StringReader(sb.ToString()), "x.csv", schema);
    }

    private static readonly TableSchema ContinuousX = new([new ColumnSchema("x", ColumnKind.Continuous, Precision: 12)]);

    [Theory]
    [InlineData(0.001, 0.004)]
    [InlineData(3, 12)]
    [InlineData(2e6, 8e6)]
    [InlineData(1e12, 4e12)]
    [InlineData(-4e5, -1e5)]
    public void BoundsAdaptToTheScaleOfTheData(double lo, double hi)
    {
        for (ulong seed = 1; seed <= 5; seed++) AssertBoundsFitTheData(lo, hi, seed);
    }

    private static void AssertBoundsFitTheData(double lo, double hi, ulong seed)
    {
        var ledger = Ledger();
        var table = Column(lo, hi, seed: (int)seed);
        var encoder = TableEncoder.Fit(table, ContinuousX, Options(NumericTransform.Bins, seed), ledger);
        var bins = (BinnedNumericEncoder)encoder.Columns[0];
        double width = hi - lo;
        // The bins cover nearly all of the data's range, at any scale ...
        Assert.InRange(bins.Lower[0], lo - 0.1 * width, lo + 0.05 * width);
        Assert.InRange(bins.Upper[^1], hi - 0.05 * width, hi + 0.1 * width);
        // ... and what is sampled from them stays inside it (the 99 % target of the Adult acceptance run).
        var rng = new Random(8);
        var positions = Enumerable.Range(0, table.RowCount).Select(_ => (float)rng.NextDouble()).ToArray();
        var decoded = ((NumericColumn)encoder.Decode(encoder.Encode(table), new DecodeOptions { BinPositions = positions }).Columns[0]).Values.ToArray();
        Assert.True(decoded.Count(v => v < lo || v > hi) <= 0.01 * decoded.Length, $"{decoded.Count(v => v < lo || v > hi)} of {decoded.Length} outside [{lo}, {hi}]");
        Assert.Equal(["range of column x", "range ends of column x", "bounds of column x", "quantile grid of column x"], ledger.Stages.Select(s => s.Name));
    }

    [Fact]
    public void ValuesAboveAMillionAreRepresentable()
    {
        // fnlwgt-like: whole numbers from 12 thousand to 1.5 million, most of them near 200 thousand.
        var rng = new Random(4);
        var sb = new StringBuilder("w\n");
        for (int r = 0; r < 4000; r++) sb.Append((long)Math.Min(1_500_000, 12_000 + Math.Exp(12 + 0.5 * Gaussian(rng)))).Append('\n');
        sb.Append(string.Concat(Enumerable.Repeat("1400000\n", 200)));
        var schema = new TableSchema([new ColumnSchema("w", ColumnKind.Integer)]);
        var table = CsvTableReader.Read(new StringReader(sb.ToString()), "w.csv", schema);
        foreach (var transform in new[] { NumericTransform.Bins, NumericTransform.QuantileNormal })
        {
            var encoder = TableEncoder.Fit(table, schema, Options(transform), Ledger());
            var decoded = (NumericColumn)encoder.Decode(encoder.Encode(table)).Columns[0];
            Assert.InRange(decoded.Values.ToArray().Max(), 1_300_000, 1_500_000);
        }
    }

    [Fact]
    public void WholeNumbersBeyondTwoToThe52AreBinnedAndDecodedAsWholeNumbers()
    {
        var rng = new Random(6);
        var sb = new StringBuilder("id\n");
        for (int r = 0; r < 3000; r++) sb.Append((long)(1e17 + rng.NextDouble() * 9e17)).Append('\n');
        var schema = new TableSchema([new ColumnSchema("id", ColumnKind.Integer)]);
        var table = CsvTableReader.Read(new StringReader(sb.ToString()), "id.csv", schema);
        var encoder = TableEncoder.Fit(table, schema, Options(NumericTransform.Bins), Ledger());
        var positions = Enumerable.Range(0, 3000).Select(i => (float)((i * 0.618) % 1)).ToArray();
        var decoded = ((NumericColumn)encoder.Decode(encoder.Encode(table), new DecodeOptions { BinPositions = positions }).Columns[0]).Values.ToArray();
        Assert.All(decoded, v => Assert.Equal(Math.Round(v), v));
        Assert.All(decoded, v => Assert.InRange(v, 1e17, 1e18));
    }

    [Fact]
    public void NonNegativeWholeNumbersGetNonNegativeWholeBounds()
    {
        var sb = new StringBuilder("k\n");
        var rng = new Random(5);
        for (int r = 0; r < 3000; r++) sb.Append(rng.NextDouble() < 0.9 ? 0 : rng.Next(1, 5000)).Append('\n');
        var schema = new TableSchema([new ColumnSchema("k", ColumnKind.Integer)]);
        var table = CsvTableReader.Read(new StringReader(sb.ToString()), "k.csv", schema);
        var encoder = (BinnedNumericEncoder)TableEncoder.Fit(table, schema, Options(NumericTransform.Bins), Ledger()).Columns[0];
        Assert.Equal(0, encoder.Lower[0]);
        Assert.Equal(0, encoder.Upper[0]); // the spike at zero is a bin of its own
        Assert.All(encoder.Upper, u => Assert.Equal(Math.Floor(u), u));
        Assert.InRange(encoder.Upper[^1], 3000, 5000);
    }

    [Fact]
    public void MagnitudeBucketsPartitionTheLineInValueOrder()
    {
        double[] samples = [-3e19, -1e18, -5, -1, -0.75, -1e-5, 0, 1e-300, 1e-4, 0.001, 0.5, 1, 1.5, 2, 1e6, 1.48e6, 1e18, 5e18];
        int previous = -1;
        foreach (double v in samples)
        {
            int b = MagnitudeBuckets.Of(v);
            Assert.InRange(b, previous, MagnitudeBuckets.ValueBuckets - 1); // ordered by value
            previous = b;
            var (lower, upper) = MagnitudeBuckets.Edges(b);
            if (Math.Abs(v) < Math.ScaleB(1, MagnitudeBuckets.MaxExponent + 1))
                Assert.True(v == 0 ? lower == 0 && upper == 0 : v > 0 ? lower <= v && v < upper : lower < v && v <= upper, $"{v} not in bucket {b} [{lower}, {upper}]");
        }
        Assert.Equal(MagnitudeBuckets.Missing, MagnitudeBuckets.Of(double.NaN));
        for (int b = 1; b < MagnitudeBuckets.ValueBuckets; b++)
            Assert.Equal(MagnitudeBuckets.Edges(b - 1).Upper, b == MagnitudeBuckets.Zero + 1 ? 0 : MagnitudeBuckets.Edges(b).Lower); // contiguous
    }

    [Fact]
    public void TheRangeIgnoresEmptyBucketsWithNoiseAndFallsBackToTheFullestBucket()
    {
        var noisy = new long[MagnitudeBuckets.Count];
        noisy[MagnitudeBuckets.Of(5)] = 1000;
        noisy[MagnitudeBuckets.Of(20)] = 400;
        noisy[MagnitudeBuckets.Of(1e15)] = 40; // under 4.4σ: noise, not data
        var (first, last, values) = MagnitudeBuckets.ChooseRange(noisy, sigma: 10);
        Assert.Equal((4.0, 32.0, 1400.0), (MagnitudeBuckets.Edges(first).Lower, MagnitudeBuckets.Edges(last).Upper, values));
        var empty = new long[MagnitudeBuckets.Count];
        empty[MagnitudeBuckets.Of(-3)] = 7;
        var fallback = MagnitudeBuckets.ChooseRange(empty, 10);
        Assert.Equal((-4.0, -2.0), (MagnitudeBuckets.Edges(fallback.First).Lower, MagnitudeBuckets.Edges(fallback.Last).Upper));

        // The end buckets are trimmed by eighths from outside while the trimmed values stay confidently
        // within the allowance (what the bounds clamp anyway): empty space goes, the data's tail stays.
        var refine = new RangeRefinement(first, last);
        var parts = new long[refine.Classes];
        parts[refine.CountsOf([5.0, 5.0]).ToList().IndexOf(2)] = 200;   // 5 lies in the part [5, 5.5) of [4, 8)
        parts[refine.CountsOf([29.0, 29.0]).ToList().IndexOf(2)] = 200; // 29 lies in the part [28, 30) of [16, 32)
        Assert.Equal((5.0, 30.0, 1.0, 1.0), refine.Choose(parts, sigma: 1, allowance: 100));
        // Trimmed parts that held values: the data runs on past the edge, no empty space is left inside.
        var tail = (long[])parts.Clone();
        tail[0] = 30;
        Assert.Equal((5.0, 1.0), (refine.Choose(tail, sigma: 1, allowance: 40).Lower, refine.Choose(tail, sigma: 1, allowance: 40).LowMass));

        // The base measure: a kept edge part sparser than its neighbour holds its values on the inner side,
        // and every cell weighs what its count shows beyond 2σ of noise.
        var cells = refine.Cells(noisy, 10, [0, 50, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200], 1, 4.5, 32);
        Assert.Equal((4.0, 4.5, 1.0), cells[0]);
        Assert.Equal((4.5, 4.875, 1.0), cells[1]);   // the outer rest of [4.5, 5): at 200 per 0.5, 50 values fill 0.125
        Assert.Equal((4.875, 5.0, 48.0), cells[2]);
        Assert.Equal((5.0, 5.5, 198.0), cells[3]);
        Assert.Equal((8.0, 16.0, 1.0), cells[9]);    // the bucket between: its count (0) is noise
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
