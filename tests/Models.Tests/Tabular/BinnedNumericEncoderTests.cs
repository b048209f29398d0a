using DpSynth.Models.Tabular;
using DpSynth.Privacy;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Tabular;

public class BinnedNumericEncoderTests
{
    [Fact]
    public void IntegerKnotsBecomeRangesWithPointBinsForRepeatedKnots()
    {
        // 0 repeated (a spike of zeros), 40 repeated (a spike inside), single knots cut ranges, the top closes the last range.
        var (lower, upper) = NumericBins.IntegerFromKnots([0, 0, 0, 7, 40, 40, 55, 99]);
        Assert.Equal([0, 1, 7, 40, 41, 55], lower);
        Assert.Equal([0, 6, 39, 40, 54, 99], upper);

        var (l2, u2) = NumericBins.IntegerFromKnots([0, 5, 10]);
        Assert.Equal([0, 5], l2);
        Assert.Equal([4, 10], u2);
    }

    [Fact]
    public void ContinuousKnotsBecomeIntervalsWithPointBinsForTies()
    {
        var (lower, upper) = NumericBins.ContinuousFromKnots([0, 1.5, 1.5, 3]);
        Assert.Equal([0, 1.5, 1.5], lower);
        Assert.Equal([1.5, 1.5, 3], upper);
        var encoder = new BinnedNumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, lower, upper, false);
        Assert.Equal(0, encoder.BinOf(1.4999));
        Assert.Equal(1, encoder.BinOf(1.5)); // the tie's point bin takes the value itself
        Assert.Equal(2, encoder.BinOf(1.5001));
        Assert.Equal(2, encoder.BinOf(3));   // the last interval is closed
        Assert.Equal(2, encoder.BinOf(17));  // clamped
        Assert.Equal(0, encoder.BinOf(-4));
    }

    [Fact]
    public void IntegerBinsDecodeToWholeNumbersInsideTheBinAndSpikesExactly()
    {
        var (lower, upper) = NumericBins.IntegerFromKnots([0, 0, 0, 7, 40, 40, 55, 99]);
        var encoder = new BinnedNumericEncoder("n", ColumnKind.Integer, ColumnRole.Feature, lower, upper, false);
        for (int bin = 0; bin < encoder.BinCount; bin++)
        {
            var seen = new HashSet<double>();
            for (int i = 0; i < 1000; i++)
            {
                double v = encoder.ValueAt(bin, i / 1000.0);
                Assert.Equal(Math.Floor(v), v);
                Assert.InRange(v, lower[bin], upper[bin]);
                Assert.Equal(bin, encoder.BinOf(v));
                seen.Add(v);
            }
            Assert.Equal(upper[bin] - lower[bin] + 1, seen.Count); // every whole number of the bin is reachable
        }
        Assert.Equal(40, encoder.ValueAt(encoder.BinOf(40), 0.99));
    }

    [Fact]
    public void TableRoundTripsThroughBinsAndPositionsPlaceValuesInsideBins()
    {
        var lower = new double[] { 0, 10, 20 };
        var upper = new double[] { 10, 20, 30 };
        var encoder = new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, lower, upper, hasMissing: true)]);
        Assert.Equal(4, encoder.Width);
        Assert.Equal(1, encoder.BinnedColumnCount);
        var table = new Table("t", [new NumericColumn("x", ColumnKind.Continuous, [5, 25, double.NaN, 10], 4)]);
        var encoded = encoder.Encode(table);
        Assert.Equal([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0], encoded.Data);
        var midpoints = (NumericColumn)encoder.Decode(encoded).Columns[0];
        Assert.Equal([5, 25, double.NaN, 15], midpoints.Values.ToArray());
        var placed = (NumericColumn)encoder.Decode(encoded, new DecodeOptions { BinPositions = [0.1f, 0.9f, 0.5f, 0f] }).Columns[0];
        Assert.Equal(1, placed.Values[0], 5);
        Assert.Equal(29, placed.Values[1], 5);
        Assert.Equal(10, placed.Values[3], 5);
        Assert.Throws<ArgumentException>(() => encoder.Decode(encoded, new DecodeOptions { BinPositions = [0.5f] }));
    }

    [Fact]
    public void ShortPublicIntegerRangesGetOneFreeBinPerNumberAndSpikesSurviveTheDpGrid()
    {
        var rng = new Random(3);
        int n = 6000;
        // "gain": 80 % zeros and a spread tail; "level": whole numbers 1..16 with public bounds.
        var gain = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.8 ? 0.0 : Math.Round(Math.Exp(rng.NextDouble() * 9))).ToArray();
        var level = Enumerable.Range(0, n).Select(_ => (double)rng.Next(1, 17)).ToArray();
        var table = new Table("t", [new NumericColumn("gain", ColumnKind.Integer, gain, n), new NumericColumn("level", ColumnKind.Integer, level, n)]);
        var schema = new TableSchema(
        [
            new ColumnSchema("gain", ColumnKind.Integer, Bounds: new DeclaredBounds(0, 10_000, true)),
            new ColumnSchema("level", ColumnKind.Integer, Bounds: new DeclaredBounds(1, 16, true)),
        ]);
        var ledger = new PrivacyLedger(new PrivacyBudget(1, 1e-6), new RandomnessRecord(RandomnessKind.UserSeed, 5));
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions { Numeric = NumericTransform.Bins, Epsilon = 0.5, Random = new SeededRandomSource(5) }, ledger);

        Assert.Single(ledger.Stages); // only the gain column's grid: the short range costs nothing
        var levelBins = (BinnedNumericEncoder)encoder.Columns[1];
        Assert.Equal(16, levelBins.BinCount);
        Assert.All(Enumerable.Range(0, 16), b => Assert.Equal(levelBins.Lower[b], levelBins.Upper[b]));

        var gainBins = (BinnedNumericEncoder)encoder.Columns[0];
        Assert.Equal(0, gainBins.Lower[0]);
        Assert.Equal(0, gainBins.Upper[0]); // the zeros have a bin of their own
        var decoded = (NumericColumn)encoder.Decode(encoder.Encode(table)).Columns[0];
        double zeros = decoded.Values.ToArray().Count(v => v == 0) / (double)n;
        Assert.InRange(zeros, 0.79, 0.81);
        Assert.Equal(level, ((NumericColumn)encoder.Decode(encoder.Encode(table)).Columns[1]).Values.ToArray());
    }

    [Fact]
    public void InvalidBinsAreRefusedWhenLoaded()
    {
        Assert.Throws<FormatException>(() => new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Integer, ColumnRole.Feature, [0, 5], [5, 9], false)]));
        Assert.Throws<FormatException>(() => new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, [0, 5], [6, 9], false)]));
        Assert.Throws<FormatException>(() => new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Integer, ColumnRole.Feature, [0.5], [2], false)]));
        Assert.Throws<FormatException>(() => new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, [], [], false)]));
        var json = new TableEncoder([new BinnedNumericEncoder("x", ColumnKind.Integer, ColumnRole.Feature, [0, 1], [0, 9], true)]).ToJson();
        var back = (BinnedNumericEncoder)TableEncoder.FromJson(json).Columns[0];
        Assert.Equal([0, 1], back.Lower);
        Assert.Equal([0, 9], back.Upper);
        Assert.True(back.HasMissing);
    }
}
