using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

public sealed class WriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-tabular-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("t.csv")]
    [InlineData("t.parquet")]
    public void TablesRoundTripThroughFiles(string name)
    {
        var schema = AdultLikeData.PublicSchema();
        var table = AdultLikeData.Table(300, 5, schema);
        string path = Path.Combine(_dir, name);
        TableWriter.Write(table, path);
        var back = TableReader.Read(path, schema);
        AssertSameValues(table, back);
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Fact]
    public void ParquetWithoutSchemaKeepsNumbersAndText()
    {
        var table = AdultLikeData.Table(50, 6);
        string path = Path.Combine(_dir, "t.parquet");
        ParquetTableWriter.Write(table, path);
        var back = TableReader.Read(path, null);
        Assert.IsType<NumericColumn>(back.Find("age"));
        Assert.IsType<CategoricalColumn>(back.Find("workclass"));
        Assert.Equal(ColumnKind.Integer, SchemaInference.Infer(back).Find("fnlwgt")!.Kind);
    }

    [Fact]
    public void CsvWriterQuotesWhatNeedsQuoting()
    {
        var c = new CategoricalColumn("t", ColumnKind.Categorical, [0, 1, 2, -1], 4, ["a,b", "say \"x\"", " pad"]);
        var w = new StringWriter();
        CsvTableWriter.Write(new Table("x", [c]), w);
        Assert.Equal("t\r\n\"a,b\"\r\n\"say \"\"x\"\"\"\r\n\" pad\"\r\n\r\n", w.ToString());
        var back = (CategoricalColumn)CsvTableReader.Read(new StringReader(w.ToString()), "x", new TableSchema([new ColumnSchema("t", ColumnKind.Categorical, Missing: true)])).Find("t")!;
        Assert.Equal(["a,b", "say \"x\"", " pad", null], Enumerable.Range(0, 4).Select(back.ValueAt));
    }

    [Fact]
    public void FailedWriteLeavesNoFileAndKeepsAnOldOne()
    {
        string path = Path.Combine(_dir, "out.csv");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("disk full"); }));
        Assert.Empty(Directory.GetFiles(_dir));
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("disk full"); }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void UnknownOutputExtensionIsRefusedBeforeWriting()
    {
        string path = Path.Combine(_dir, "out.xlsx");
        var e = Assert.Throws<TableFormatException>(() => TableWriter.Write(AdultLikeData.Table(5, 1), path));
        Assert.EndsWith("expected an output name ending in .csv (comma-separated), .tsv (tab-separated) or .parquet, got .xlsx", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    internal static void AssertSameValues(Table expected, Table actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        foreach (var e in expected.Columns)
        {
            var a = actual.Find(e.Name);
            Assert.NotNull(a);
            for (int r = 0; r < expected.RowCount; r++)
            {
                object? ev = e is NumericColumn en ? (double.IsNaN(en.Values[r]) ? null : en.Values[r]) : ((CategoricalColumn)e).ValueAt(r);
                object? av = a is NumericColumn an ? (double.IsNaN(an.Values[r]) ? null : an.Values[r]) : ((CategoricalColumn)a).ValueAt(r);
                Assert.True(Equals(ev, av), $"{e.Name} row {r}: expected {ev}, got {av}");
            }
        }
    }
}
