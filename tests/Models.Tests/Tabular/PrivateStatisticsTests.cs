using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>Every statistic the encoder reads off private data is a ledger stage, or the fit is refused.</summary>
public class PrivateStatisticsTests
{
    private static PrivacyLedger Ledger(double epsilon = 10) =>
        // RDP: the PLD accountant models a multi-quantile stage as one ε-DP release, which overstates it (reported upstream).
        new(new PrivacyBudget(epsilon, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 7), DpSynth.Privacy.Calibration.AccountantKind.Rdp);

    private static EncoderFitOptions DpOptions(double epsilon = 1) => new()
    {
        Epsilon = epsilon,
        Random = new SeededRandomSource(7),
        SchemaFile = "adult.schema.json",
    };

    [Fact]
    public void PrivateSchemaIsRefusedWithoutABudget()
    {
        var schema = AdultLikeData.PrivateSchema();
        var table = AdultLikeData.Table(100, 1, schema);
        var e = Assert.Throws<TableFormatException>(() => TableEncoder.Fit(table, schema, new EncoderFitOptions { SchemaFile = "s.json" }));
        Assert.Equal("s.json:-:age: expected public bounds (\"bounds\" with \"public\": true), or a preprocessing budget (epsilon > 0) to estimate them with DP; values read from the data are private", e.Message);
    }

    [Fact]
    public void BoundsWrittenByInferenceAreNotUsedUntilDeclaredPublic()
    {
        var schema = new TableSchema([new ColumnSchema("x", ColumnKind.Continuous, Bounds: new DeclaredBounds(0, 1, Public: false))]);
        var table = CsvTableReader.Read(new StringReader("x\n0.5\n"), "x.csv", schema);
        Assert.Throws<TableFormatException>(() => TableEncoder.Fit(table, schema));
        var categories = new TableSchema([new ColumnSchema("c", ColumnKind.Categorical, Categories: new DeclaredCategories(["a"], Public: false))]);
        var t2 = CsvTableReader.Read(new StringReader("c\na\n"), "c.csv", categories);
        Assert.Contains("expected a public category list", Assert.Throws<TableFormatException>(() => TableEncoder.Fit(t2, categories)).Message);
    }

    [Fact]
    public void EachPrivateStatisticIsALedgerStage()
    {
        var schema = AdultLikeData.PrivateSchema();
        var table = AdultLikeData.Table(3000, 2, schema);
        var ledger = Ledger();
        var encoder = TableEncoder.Fit(table, schema, DpOptions(), ledger);

        var names = ledger.Stages.Select(s => s.Name).ToHashSet();
        foreach (var c in schema.Columns)
        {
            if (c.Kind.IsNumeric())
            {
                Assert.Contains($"range of column {c.Name}", names);
                Assert.Contains($"range ends of column {c.Name}", names);
                Assert.Contains($"bounds of column {c.Name}", names);
            }
            else Assert.Contains($"categories of column {c.Name}", names);
        }
        // Every numeric column also gets a grid, except a DP range short enough for one bin per whole number.
        Assert.InRange(ledger.Stages.Count(s => s.Name.StartsWith("quantile grid", StringComparison.Ordinal)), 4, 6);
        Assert.Equal(6 * 3 + 9, ledger.Stages.Count(s => !s.Name.StartsWith("quantile grid", StringComparison.Ordinal)));
        Assert.All(ledger.Stages, s => Assert.Equal(NeighbouringRelation.AddRemoveOne, s.Neighbouring));
        // The split is conservative: the accountant finds no more than the ε share.
        Assert.InRange(ledger.TotalEpsilon, 0.3, 1.0);
        Assert.All(encoder.Columns, c => Assert.Contains("ledger stage", c.Provenance));
    }

    [Fact]
    public void DpEncoderStillRoundTripsCategoriesItDiscovered()
    {
        var schema = AdultLikeData.PrivateSchema();
        var table = AdultLikeData.Table(3000, 2, schema);
        var encoder = TableEncoder.Fit(table, schema, DpOptions(), Ledger());
        var decoded = encoder.Decode(encoder.Encode(table));
        var sexIn = (CategoricalColumn)table.Find("sex")!;
        var sexOut = (CategoricalColumn)decoded.Find("sex")!;
        for (int r = 0; r < table.RowCount; r++) Assert.Equal(sexIn.ValueAt(r), sexOut.ValueAt(r)); // both sexes are frequent: discovered
        var age = (NumericColumn)decoded.Find("age")!;
        var ageIn = (NumericColumn)table.Find("age")!;
        var grid = ((NumericEncoder)encoder.Columns.Single(c => c.Name == "age")).Grid;
        for (int r = 0; r < table.RowCount; r++)
        {
            double x = Math.Clamp(ageIn.Values[r], grid[0], grid[^1]);
            Assert.Equal(Math.Round(x, MidpointRounding.AwayFromZero), age.Values[r], 6);
        }
    }

    [Fact]
    public void RareDiscoveredCategoriesAreMergedIntoOther()
    {
        var schema = new TableSchema([new ColumnSchema("c", ColumnKind.Categorical)]);
        string csv = "c\n" + string.Concat(Enumerable.Repeat("common\n", 5000)) + "rare\n";
        var table = CsvTableReader.Read(new StringReader(csv), "r.csv", schema);
        var ledger = Ledger();
        var encoder = (OneHotEncoder)TableEncoder.Fit(table, schema, DpOptions(), ledger).Columns[0];
        Assert.Equal(["common"], encoder.Categories);
        Assert.Equal("(other)", encoder.OtherLabel);
        var stage = Assert.Single(ledger.Stages);
        Assert.Equal("categories of column c", stage.Name);
        Assert.True(stage.Parameters["threshold"] > 1);
        Assert.Equal(1e-6, stage.Parameters["threshold_delta"], 12); // a tenth of the budget's δ, not a function of the row count
    }

    [Fact]
    public void RarePublicCategoriesMergeOnlyWhenAskedAndThenCostAStage()
    {
        var schema = new TableSchema([new ColumnSchema("c", ColumnKind.Categorical, Categories: new DeclaredCategories(["common", "rare"], Public: true))]);
        string csv = "c\n" + string.Concat(Enumerable.Repeat("common\n", 5000)) + "rare\n";
        var table = CsvTableReader.Read(new StringReader(csv), "r.csv", schema);
        var ledger = Ledger();
        Assert.Equal(["common", "rare"], ((OneHotEncoder)TableEncoder.Fit(table, schema, DpOptions(), ledger).Columns[0]).Categories);
        Assert.Empty(ledger.Stages);
        var merged = (OneHotEncoder)TableEncoder.Fit(table, schema, DpOptions() with { MergeRarePublicCategories = true }, ledger).Columns[0];
        Assert.Equal(["common"], merged.Categories);
        Assert.Equal("category counts of column c", Assert.Single(ledger.Stages).Name);
    }

    [Fact]
    public void PublicBoundsWithABudgetCostOnlyTheQuantileGrid()
    {
        var schema = AdultLikeData.PublicSchema();
        var table = AdultLikeData.Table(2000, 3, schema);
        var ledger = Ledger();
        var encoder = TableEncoder.Fit(table, schema, DpOptions(), ledger);
        Assert.Equal(6, ledger.Stages.Count);
        Assert.All(ledger.Stages, s => Assert.StartsWith("quantile grid of column ", s.Name));
        var age = (NumericEncoder)encoder.Columns[0];
        Assert.Equal((0.0, 120.0), (age.Grid[0], age.Grid[^1])); // the public bounds are the grid's ends
        WriterTests.AssertSameValues(table, encoder.Decode(encoder.Encode(table)));
    }

    [Fact]
    public void AStageOverTheBudgetIsRefusedBeforeItRuns()
    {
        var schema = new TableSchema([new ColumnSchema("c", ColumnKind.Categorical)]);
        var table = CsvTableReader.Read(new StringReader("c\na\n"), "r.csv", schema);
        var ledger = Ledger(epsilon: 0.5);
        Assert.Throws<PrivacyBudgetExceededException>(() => TableEncoder.Fit(table, schema, DpOptions(epsilon: 5), ledger));
        Assert.Empty(ledger.Stages);
    }

    [Fact]
    public void DpStatisticsNeedALedger()
    {
        var schema = AdultLikeData.PrivateSchema();
        var table = AdultLikeData.Table(50, 1, schema);
        Assert.Throws<ArgumentException>(() => TableEncoder.Fit(table, schema, DpOptions()));
    }
}
