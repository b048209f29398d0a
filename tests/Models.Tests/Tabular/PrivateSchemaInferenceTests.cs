using System.Globalization;
using System.Text;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tabular.Inference;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>
/// Fitting without a schema: every decision schema inference makes comes from a noisy count
/// released as a ledger stage, so one record changes it only through the mechanism; no column is
/// dropped, and cells that do not fit are treated rather than refused.
/// </summary>
public class PrivateSchemaInferenceTests
{
    private const double Sigma = 5;

    private static PrivacyLedger Ledger() =>
        new(new PrivacyBudget(1000, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1), AccountantKind.Rdp);

    private static Table Untyped(string csv) => CsvTableReader.Read(new StringReader(csv), "t.csv", null);

    /// <summary>2000 rows: a whole-number column n, a one-decimal column x, a text column c and a yes/no column b.</summary>
    private static string Csv(int rows = 2000, int seed = 1)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("n,x,c,b\n");
        for (int r = 0; r < rows; r++)
            sb.Append(CultureInfo.InvariantCulture, $"{rng.Next(0, 90)},{rng.Next(150, 400) / 10.0:0.0},{(char)('a' + rng.Next(4))},{(rng.Next(3) == 0 ? "yes" : "no")}\n");
        return sb.ToString();
    }

    private static string Json(TableSchema s) => TableSchemaJson.ToJson(s);

    [Fact]
    public void AnAddedFractionalRowChangesNoKindExceptThroughTheLedgeredCounts()
    {
        string csv = Csv();
        var plain = Untyped(csv);
        var outlier = Untyped(csv + "37.5,20.0,a,no\n");
        // The custodian's exact inference flips on one row; it is documented as not DP.
        Assert.Equal(ColumnKind.Continuous, SchemaInference.Infer(outlier).Find("n")!.Kind);

        for (ulong seed = 1; seed <= 100; seed++)
        {
            var ledger = Ledger();
            var a = PrivateSchemaInference.Infer(plain, Sigma, new SeededRandomSource(seed), ledger);
            var b = PrivateSchemaInference.Infer(outlier, Sigma, new SeededRandomSource(seed), Ledger());
            Assert.Equal(Json(a.Schema), Json(b.Schema));
            Assert.Equal(ColumnKind.Integer, a.Schema.Find("n")!.Kind);
            Assert.Equal(["schema of column n", "schema of column x", "schema of column c", "schema of column b"], ledger.Stages.Select(s => s.Name));
            Assert.All(ledger.Stages, s => Assert.Equal(Sigma, s.Parameters["sigma"]));
        }
        // The outlier is read as a whole number (rounded), not refused.
        var typed = PrivateSchemaInference.Infer(outlier, Sigma, new SeededRandomSource(1), Ledger()).Table;
        Assert.Equal(38, ((NumericColumn)typed.Find("n")!).Values[^1]);
    }

    [Fact]
    public void KindsAndDecimalsFollowTheNoisyCounts()
    {
        var ledger = Ledger();
        var s = PrivateSchemaInference.Infer(Untyped(Csv()), Sigma, new SeededRandomSource(3), ledger).Schema;
        Assert.Equal(ColumnKind.Integer, s.Find("n")!.Kind);
        Assert.Equal((ColumnKind.Continuous, (int?)1), (s.Find("x")!.Kind, s.Find("x")!.Precision));
        Assert.Equal(ColumnKind.Categorical, s.Find("c")!.Kind);
        Assert.Equal(ColumnKind.Boolean, s.Find("b")!.Kind);
        Assert.Equal(ColumnRole.Label, s.Find("b")!.Role); // the last column, boolean
        Assert.All(s.Columns, c => Assert.True(c.Missing)); // provisional: the encoder decides with DP

        // Decisions read only the released counts: pure noise around zero decides nothing numeric.
        var noise = new long[CellShape.Count];
        noise[CellShape.Text] = 2000;
        noise[CellShape.Decimal(1)] = 3; // a few fractions, below 3σ
        Assert.Equal(ColumnKind.Categorical, PrivateSchemaInference.Decide("t", noise, Sigma).Kind);
        var numbers = new long[CellShape.Count];
        numbers[CellShape.Whole] = 2000;
        numbers[CellShape.Text] = 40; // 2 %: read as missing
        numbers[CellShape.Decimal(2)] = 10;
        Assert.Equal(ColumnKind.Integer, PrivateSchemaInference.Decide("n", numbers, Sigma).Kind);
        numbers[CellShape.Decimal(2)] = 200;
        Assert.Equal((ColumnKind.Continuous, (int?)2), (PrivateSchemaInference.Decide("n", numbers, Sigma).Kind, PrivateSchemaInference.Decide("n", numbers, Sigma).Precision));
    }

    [Fact]
    public void NoiseNeverTurnsAColumnIntoAKindThatWouldDiscardItsValues()
    {
        // F/M: "F" reads as a boolean word, "M" does not. Even when noise swamps both counts, the
        // column must not become boolean (every M would be lost): it stays categorical.
        var sexes = new long[CellShape.Count];
        sexes[CellShape.BooleanWord] = 1000;
        sexes[CellShape.Text] = 1000;
        foreach (double sigma in new[] { 5.0, 250.0, 5000.0 })
            Assert.Equal(ColumnKind.Categorical, PrivateSchemaInference.Decide("sex", sexes, sigma).Kind);
        // Numbers too few to tell from noise stay categorical rather than become numbers that drop text.
        var small = new long[CellShape.Count];
        small[CellShape.Whole] = 300;
        small[CellShape.Text] = 20;
        Assert.Equal(ColumnKind.Categorical, PrivateSchemaInference.Decide("n", small, sigma: 250).Kind);
    }

    [Fact]
    public void ParquetColumnTypesArePublicLikeTheHeader()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dpsynth-infer-{Guid.NewGuid():N}.parquet");
        try
        {
            var typed = CsvTableReader.Read(new StringReader(Csv(200)), "t.csv",
                new TableSchema([new ColumnSchema("n", ColumnKind.Integer), new ColumnSchema("x", ColumnKind.Continuous), new ColumnSchema("c", ColumnKind.Categorical), new ColumnSchema("b", ColumnKind.Boolean)]));
            ParquetTableWriter.Write(typed, path);
            // 200 rows and a large σ: text would stay categorical, but the file's types decide numbers and booleans.
            var s = PrivateSchemaInference.Infer(TableReader.Read(path, null), 500, new SeededRandomSource(1), Ledger()).Schema;
            Assert.Equal([ColumnKind.Integer, ColumnKind.Continuous, ColumnKind.Categorical, ColumnKind.Boolean], s.Columns.Select(c => c.Kind));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ANanCellKeepsItsColumn()
    {
        var sb = new StringBuilder("id,x\n");
        for (int r = 0; r < 1000; r++) sb.Append(CultureInfo.InvariantCulture, $"p{r},{r * 1.37:0.00}\n");
        sb.Append("p1000,NaN\n");
        var untyped = Untyped(sb.ToString());
        Assert.Equal(ColumnRole.Ignore, SchemaInference.Infer(untyped).Find("x")!.Role); // the exact inference drops it

        var (table, schema) = PrivateSchemaInference.Infer(untyped, Sigma, new SeededRandomSource(2), Ledger());
        Assert.Equal(["id", "x"], schema.Columns.Select(c => c.Name));
        Assert.All(schema.Columns, c => Assert.NotEqual(ColumnRole.Ignore, c.Role));
        Assert.Equal(ColumnKind.Continuous, schema.Find("x")!.Kind);
        Assert.True(double.IsNaN(((NumericColumn)table.Find("x")!).Values[^1])); // NaN text is a missing cell

        var encoder = TableEncoder.Fit(table, schema, InferredOptions(), Ledger());
        Assert.Equal(["id", "x"], encoder.Columns.Select(c => c.Name));
        var decoded = encoder.Decode(encoder.Encode(table));
        Assert.Equal(2, decoded.Columns.Count);
        // The identifier's values are too rare to discover: kept as one merged category, not dropped.
        Assert.Equal("(other)", ((CategoricalColumn)decoded.Find("id")!).ValueAt(0));
    }

    private static EncoderFitOptions InferredOptions(ulong seed = 5) => new()
    {
        Numeric = NumericTransform.Bins,
        Epsilon = 20,
        DecideMissingFlags = true,
        LearnPrecision = false,
        Random = new SeededRandomSource(seed),
    };

    [Fact]
    public void AnAddedMissingMarkerChangesNoEncodedWidthExceptThroughTheLedger()
    {
        string csv = Csv();
        var plain = PrivateSchemaInference.Infer(Untyped(csv), Sigma, new SeededRandomSource(1), Ledger());
        var marked = PrivateSchemaInference.Infer(Untyped(csv + "?,?,?,?\n"), Sigma, new SeededRandomSource(1), Ledger());
        var ledger = Ledger();
        var a = TableEncoder.Fit(plain.Table, plain.Schema, InferredOptions(), ledger);
        var b = TableEncoder.Fit(marked.Table, marked.Schema, InferredOptions(), Ledger());
        Assert.Equal(a.Width, b.Width);
        Assert.All(b.Columns, c => Assert.False(c.HasMissingSlot, c.Name));
        // The marked row is imputed, not refused; the decision was a ledgered count.
        Assert.Equal(plain.Table.RowCount + 1, b.Encode(marked.Table).Rows);
        Assert.Contains(ledger.Stages, s => s.Name == "range of column n");
        Assert.Contains(ledger.Stages, s => s.Name == "categories of column c");
        Assert.Contains(ledger.Stages, s => s.Name == "labels of column b");

        // Many missing cells are seen, and get a slot.
        var many = new StringBuilder(csv);
        for (int r = 0; r < 300; r++) many.Append("?,?,?,?\n");
        var m = PrivateSchemaInference.Infer(Untyped(many.ToString()), Sigma, new SeededRandomSource(1), Ledger());
        Assert.All(TableEncoder.Fit(m.Table, m.Schema, InferredOptions(), Ledger()).Columns, c => Assert.True(c.HasMissingSlot));
    }

    [Fact]
    public void BooleanSpellingsAreDiscoveredAndWrittenBack()
    {
        var inferred = PrivateSchemaInference.Infer(Untyped(Csv()), Sigma, new SeededRandomSource(4), Ledger());
        var encoder = TableEncoder.Fit(inferred.Table, inferred.Schema, InferredOptions(), Ledger());
        Assert.Equal(["no", "yes"], ((OneHotEncoder)encoder.Columns.Single(c => c.Name == "b")).Labels!);
        var decoded = encoder.Decode(encoder.Encode(inferred.Table));
        var text = new StringWriter();
        CsvTableWriter.Write(decoded, text);
        var original = Untyped(Csv());
        var back = Untyped(text.ToString());
        for (int r = 0; r < original.RowCount; r++)
            Assert.Equal(((CategoricalColumn)original.Find("b")!).ValueAt(r), ((CategoricalColumn)back.Find("b")!).ValueAt(r));
    }
}
