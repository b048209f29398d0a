using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

public class TableEncoderTests
{
    [Theory]
    [InlineData(NumericTransform.QuantileNormal)]
    [InlineData(NumericTransform.QuantileUniform)]
    [InlineData(NumericTransform.MinMax)]
    public void AdultShapedTableRoundTripsExactly(NumericTransform transform)
    {
        var schema = AdultLikeData.PublicSchema();
        var table = AdultLikeData.Table(2000, 11, schema);
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions { Numeric = transform });
        var encoded = encoder.Encode(table);
        Assert.Equal(encoded.Rows * encoded.Width, encoded.Data.Length);
        // Categoricals exactly; integers exactly too, since the float error is far below the ±0.5 that rounding absorbs.
        WriterTests.AssertSameValues(table, encoder.Decode(encoded));
    }

    [Fact]
    public void LayoutAndSoftmaxSpansDescribeEveryBlock()
    {
        var schema = AdultLikeData.PublicSchema();
        var encoder = TableEncoder.Fit(AdultLikeData.Table(200, 1, schema), schema);
        Assert.Equal(schema.Columns.Select(c => c.Name), encoder.Layout.Select(l => l.Name));
        Assert.Equal(encoder.Width, encoder.Layout.Sum(l => l.Width));
        var workclass = encoder.Layout.Single(l => l.Name == "workclass");
        Assert.Equal(AdultLikeData.Workclass.Length + 1, workclass.Width); // + missing slot
        Assert.Equal(1, encoder.Layout.Single(l => l.Name == "age").Width);
        Assert.Equal(ColumnRole.Label, encoder.Layout[^1].Role);
        // One span per categorical column; numeric columns without missing values have none.
        Assert.Equal(9, encoder.SoftmaxSpans.Count);
        Assert.Contains(workclass.Start, encoder.SoftmaxSpans.Starts.ToArray());
        encoder.SoftmaxSpans.EnsureFits(encoder.Width, "test");
    }

    [Fact]
    public void EachRowHasExactlyOneHotPerCategoricalBlock()
    {
        var schema = AdultLikeData.PublicSchema();
        var table = AdultLikeData.Table(300, 2, schema);
        var encoded = TableEncoder.Fit(table, schema).Encode(table);
        for (int r = 0; r < encoded.Rows; r++)
            for (int s = 0; s < encoded.SoftmaxSpans.Count; s++)
            {
                var block = encoded.Row(r).Slice(encoded.SoftmaxSpans.Starts[s], encoded.SoftmaxSpans.Lengths[s]);
                Assert.Equal(1f, block.ToArray().Sum());
            }
    }

    [Fact]
    public void ContinuousValuesRoundTripWithinQuantileResolution()
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 5000).Select(_ => Math.Exp(rng.NextDouble() * 8) - 1).ToArray();
        var column = new NumericColumn("x", ColumnKind.Continuous, values, values.Length);
        var grid = Enumerable.Range(0, 33).Select(i => Math.Exp(8.0 * i / 32) - 1).ToArray();
        var enc = new NumericEncoder("x", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.QuantileNormal, grid, false);
        foreach (double x in values)
        {
            int k = Math.Clamp(Array.BinarySearch(grid, x) is int i && i < 0 ? ~i - 1 : Array.BinarySearch(grid, x), 0, 31);
            double segment = grid[k + 1] - grid[k];
            Assert.True(Math.Abs(enc.Inverse(enc.Forward(x)) - x) <= 1e-4 * segment, $"x = {x}");
        }
        var table = new Table("t", [column]);
        var te = new TableEncoder([enc]);
        Assert.Equal(values.Length, te.Decode(te.Encode(table)).RowCount);
    }

    [Fact]
    public void TiedKnotsDecodeToTheTiedValue()
    {
        var enc = new NumericEncoder("n", ColumnKind.Integer, ColumnRole.Feature, NumericTransform.QuantileNormal, [0, 0, 0, 0, 1, 5, 5, 9], false);
        foreach (double x in new[] { 0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })
            Assert.Equal(x, enc.Inverse(enc.Forward(x)));
    }

    [Fact]
    public void DecodingRoundsIntegersAndClampsToBounds()
    {
        var enc = new NumericEncoder("n", ColumnKind.Integer, ColumnRole.Feature, NumericTransform.MinMax, [0, 10], false);
        Assert.Equal(3, enc.Inverse(0.29f));     // 2.9 rounds up, never truncates to 2
        Assert.Equal(3, enc.Inverse(0.25f));     // 2.5 rounds away from zero
        Assert.Equal(10, enc.Inverse(7.5f));     // far outside: clamped
        Assert.Equal(0, enc.Inverse(-3f));
        Assert.Equal(0, enc.Inverse(float.NaN));
        var normal = new NumericEncoder("z", ColumnKind.Continuous, ColumnRole.Feature, NumericTransform.QuantileNormal, [-1, 0, 4], false);
        Assert.Equal(4, normal.Inverse(40f));
        Assert.Equal(-1, normal.Inverse(-40f));
    }

    [Fact]
    public void MissingNumericValuesGetAnIndicatorBlock()
    {
        var schema = new TableSchema([new ColumnSchema("x", ColumnKind.Continuous, Missing: true, Bounds: new DeclaredBounds(0, 10, true))]);
        var table = CsvTableReader.Read(new StringReader("x\n1\n?\n9.5\n"), "m.csv", schema);
        var encoder = TableEncoder.Fit(table, schema);
        var encoded = encoder.Encode(table);
        Assert.Equal(3, encoded.Width);
        Assert.Equal([1, 2], new[] { encoded.SoftmaxSpans.Starts[0], encoded.SoftmaxSpans.Lengths[0] });
        Assert.Equal([0f, 0f, 1f], encoded.Row(1).ToArray());
        var back = (NumericColumn)encoder.Decode(encoded).Columns[0];
        Assert.Equal(1, back.Values[0], 6); // float32 resolution of the encoded value
        Assert.True(double.IsNaN(back.Values[1]));
        Assert.Equal(9.5, back.Values[2], 6);
    }

    [Fact]
    public void OpenPublicListMergesOtherValues()
    {
        var schema = new TableSchema([new ColumnSchema("c", ColumnKind.Categorical, Categories: new DeclaredCategories(["a", "b"], Public: true, Closed: false))]);
        var table = CsvTableReader.Read(new StringReader("c\na\nz\nb\n"), "o.csv", schema);
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions { OtherLabel = "other" });
        var back = (CategoricalColumn)encoder.Decode(encoder.Encode(table)).Columns[0];
        Assert.Equal(["a", "other", "b"], Enumerable.Range(0, 3).Select(back.ValueAt));
    }

    [Fact]
    public void SamplingFromTheSoftmaxIsSeededAndFollowsTheProbabilities()
    {
        var enc = new TableEncoder([new OneHotEncoder("c", ColumnKind.Categorical, ColumnRole.Feature, ["a", "b", "c"], null, false)]);
        int rows = 20000;
        var logits = new float[rows * 3];
        for (int r = 0; r < rows; r++) { logits[r * 3] = 0; logits[r * 3 + 1] = (float)Math.Log(3); logits[r * 3 + 2] = -50; }
        Table Sample(int seed) => enc.Decode(logits, rows, new DecodeOptions { Categories = CategoryDecoding.Sample, Random = new Random(seed) });
        var first = ((CategoricalColumn)Sample(1).Columns[0]).Codes.ToArray();
        Assert.Equal(first, ((CategoricalColumn)Sample(1).Columns[0]).Codes.ToArray());
        double fractionB = first.Count(c => c == 1) / (double)rows;
        Assert.InRange(fractionB, 0.73, 0.77); // softmax gives b probability 3/4
        Assert.DoesNotContain(2, first);
        var argmax = ((CategoricalColumn)enc.Decode(logits, rows).Columns[0]).Codes.ToArray();
        Assert.All(argmax, c => Assert.Equal(1, c));
    }

    [Fact]
    public void JsonRoundTripGivesAnIdenticalEncoder()
    {
        var schema = AdultLikeData.PublicSchema();
        var table = AdultLikeData.Table(500, 3, schema);
        var encoder = TableEncoder.Fit(table, schema);
        var loaded = TableEncoder.FromJson(encoder.ToJson());
        Assert.Equal(encoder.ToJson(), loaded.ToJson());
        Assert.Equal(encoder.Encode(table).Data, loaded.Encode(table).Data);
        Assert.Contains("\"provenance\": \"public bounds", encoder.ToJson());
    }

    [Theory]
    [InlineData("""{"formatVersion":2,"columns":[]}""")]
    [InlineData("""{"formatVersion":1,"columns":[{"type":"numeric","name":"x","kind":"integer","role":"feature","transform":"minMax","grid":[5,1],"hasMissing":false}]}""")]
    [InlineData("""{"formatVersion":1,"columns":[{"type":"oneHot","name":"c","kind":"categorical","role":"feature","categories":["a","a"],"hasMissing":false}]}""")]
    [InlineData("""{"formatVersion":1,"columns":[{"type":"lambda","name":"c"}]}""")]
    public void InvalidEncoderJsonIsRefused(string json) =>
        Assert.Throws<FormatException>(() => TableEncoder.FromJson(json));

    [Fact]
    public void EncodingADifferentTableRefusesUnknownColumns()
    {
        var schema = AdultLikeData.PublicSchema();
        var encoder = TableEncoder.Fit(AdultLikeData.Table(100, 3, schema), schema);
        var other = new Table("other.csv", [new NumericColumn("age", ColumnKind.Integer, [30], 1)]);
        Assert.Equal("other.csv:1:workclass: expected a column \"workclass\" (the encoder was fitted with it), but the data has none",
            Assert.Throws<TableFormatException>(() => encoder.Encode(other)).Message);
    }
}

public class QuantileGridTests
{
    [Fact]
    public void NormalQuantileMatchesTheInverseErrorFunctionAndInvertsTheCdf()
    {
        for (int i = 1; i < 20000; i++)
        {
            double p = i / 20000.0;
            foreach (double u in new[] { p, p * 1e-6, 1 - p * 1e-6 })
            {
                double z = QuantileGrid.NormalQuantile(u);
                double reference = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, u);
                Assert.True(Math.Abs(z - reference) <= 1e-13 * Math.Max(1, Math.Abs(reference)), $"p = {u}: {z} vs {reference}");
                Assert.True(Math.Abs(QuantileGrid.FromNormal(z) - u) <= 1e-14 + 1e-12 * u, $"p = {u}");
            }
        }
        Assert.Equal(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1e-20), QuantileGrid.NormalQuantile(1e-20), 10);
    }
}
