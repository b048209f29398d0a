using System.Globalization;
using System.Text;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tabular.Inference;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>Synthetic values look like the source's: numbers rounded to the column's decimals, booleans in the source's spellings.</summary>
public class OutputFidelityTests
{
    private static PrivacyLedger Ledger() =>
        new(new PrivacyBudget(100, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1), AccountantKind.Rdp);

    private static EncoderFitOptions Options(NumericTransform transform = NumericTransform.Bins) => new()
    {
        Numeric = transform,
        Epsilon = 4,
        Random = new SeededRandomSource(9),
    };

    private static Table Read(string csv, TableSchema schema) => CsvTableReader.Read(new StringReader(csv), "t.csv", schema);

    private static string OneDecimal(int rows = 3000)
    {
        var rng = new Random(2);
        var sb = new StringBuilder("x\n");
        for (int r = 0; r < rows; r++) sb.Append((15 + rng.Next(0, 450) / 10.0).ToString("0.0", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Decodes every bin at uniform positions, as sampling does, and writes the result as CSV text.</summary>
    private static string[] DecodedCells(TableEncoder encoder, Table table)
    {
        var encoded = encoder.Encode(table);
        var rng = new Random(3);
        var positions = Enumerable.Range(0, table.RowCount * encoder.BinnedColumnCount).Select(_ => (float)rng.NextDouble()).ToArray();
        var decoded = encoder.Decode(encoded, new DecodeOptions { BinPositions = positions });
        var text = new StringWriter();
        CsvTableWriter.Write(decoded, text);
        return text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..];
    }

    [Theory]
    [InlineData(NumericTransform.Bins)]
    [InlineData(NumericTransform.QuantileNormal)]
    public void ContinuousValuesAreRoundedToDecimalsLearntWithDp(NumericTransform transform)
    {
        var schema = new TableSchema([new ColumnSchema("x", ColumnKind.Continuous)]);
        var ledger = Ledger();
        var encoder = TableEncoder.Fit(Read(OneDecimal(), schema), schema, Options(transform), ledger);
        Assert.Contains(ledger.Stages, s => s.Name == "precision of column x");
        var cells = DecodedCells(encoder, Read(OneDecimal(), schema));
        Assert.All(cells, c => Assert.True(CellShape.Decimals(c) <= 1, c));
        Assert.Contains(cells, c => c.Contains('.', StringComparison.Ordinal)); // the decimal is kept, not rounded away
    }

    [Fact]
    public void ADeclaredPrecisionRoundsWithoutAStage()
    {
        var schema = new TableSchema([new ColumnSchema("x", ColumnKind.Continuous, Bounds: new DeclaredBounds(10, 70, true), Precision: 0)]);
        var ledger = Ledger();
        var encoder = TableEncoder.Fit(Read(OneDecimal(), schema), schema, Options(), ledger);
        Assert.DoesNotContain(ledger.Stages, s => s.Name.StartsWith("precision", StringComparison.Ordinal));
        Assert.All(DecodedCells(encoder, Read(OneDecimal(), schema)), c => Assert.Equal(0, CellShape.Decimals(c)));
    }

    [Fact]
    public void RoundingStaysInsideTheBounds()
    {
        Assert.Equal(3.4, NumericPrecision.RoundWithin(3.46, 1, 3.0, 3.44));
        Assert.Equal(1.1, NumericPrecision.RoundWithin(1.04, 1, 1.05, 2));
        Assert.Equal(12.0, NumericPrecision.RoundWithin(11.6, 0, 0, 100));
    }

    private static string YesNo(int rows = 2000)
    {
        var sb = new StringBuilder("smoker\n");
        for (int r = 0; r < rows; r++) sb.Append(r % 3 == 0 ? "Yes\n" : "No\n");
        return sb.ToString();
    }

    [Fact]
    public void BooleanSpellingsAreDiscoveredWithDpAndWrittenBack()
    {
        var schema = new TableSchema([new ColumnSchema("smoker", ColumnKind.Boolean)]);
        var ledger = Ledger();
        var encoder = TableEncoder.Fit(Read(YesNo(), schema), schema, Options(), ledger);
        Assert.Equal("labels of column smoker", Assert.Single(ledger.Stages).Name);
        var cells = DecodedCells(encoder, Read(YesNo(), schema));
        Assert.Equal(YesNo().Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..], cells);

        // Only one value's spelling seen: the other one is derived in the same style.
        var allYes = "b\n" + string.Concat(Enumerable.Repeat("Y\n", 500));
        var one = new TableSchema([new ColumnSchema("b", ColumnKind.Boolean)]);
        var e = (OneHotEncoder)TableEncoder.Fit(Read(allYes, one), one, Options(), Ledger()).Columns[0];
        Assert.Equal(["N", "Y"], e.Labels!);
        Assert.Equal("No", BooleanText.Partner("Yes"));
        Assert.Equal("FALSE", BooleanText.Partner("TRUE"));
        Assert.Equal("1", BooleanText.Partner("0"));
    }

    [Fact]
    public void DeclaredBooleanLabelsAreReadAndWrittenWithoutAStage()
    {
        var schema = new TableSchema([new ColumnSchema("status", ColumnKind.Boolean, Labels: ["absent", "present"])]);
        string csv = "status\npresent\nabsent\nyes\n";
        var ledger = Ledger();
        var table = Read(csv, schema);
        var encoder = TableEncoder.Fit(table, schema, Options(), ledger);
        Assert.Empty(ledger.Stages);
        Assert.Equal(["present", "absent", "present"], DecodedCells(encoder, table));
        // Without a budget and without labels, booleans are written as false/true (nothing was learnt).
        var plain = new TableSchema([new ColumnSchema("b", ColumnKind.Boolean)]);
        Assert.Equal(["true", "false"], DecodedCells(TableEncoder.Fit(Read("b\nyes\nno\n", plain), plain), Read("b\nyes\nno\n", plain)));
    }

    [Theory]
    [InlineData("37.50", 1)]
    [InlineData("40.0", 0)]
    [InlineData("1.25e1", 1)]
    [InlineData("125e-2", 2)]
    [InlineData("0.000001", 6)]
    [InlineData("3.141592653589793", 8)]
    public void DecimalsAreCountedAsWritten(string text, int decimals) => Assert.Equal(decimals, CellShape.Decimals(text));
}
