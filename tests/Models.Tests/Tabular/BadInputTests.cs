using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>Each kind of bad input gives one located line, "file:row:column: expected …".</summary>
public class BadInputTests
{
    private static readonly TableSchema Schema = new(
    [
        new ColumnSchema("age", ColumnKind.Integer),
        new ColumnSchema("job", ColumnKind.Categorical, Categories: new DeclaredCategories(["a", "b"], Public: true)),
        new ColumnSchema("income", ColumnKind.Categorical, ColumnRole.Label),
    ]);

    private static TableFormatException Fails(string csv, TableSchema? schema = null) =>
        Assert.Throws<TableFormatException>(() => CsvTableReader.Read(new StringReader(csv), "in.csv", schema));

    [Fact]
    public void RaggedRow()
    {
        var e = Fails("age,job,income\n30,a,x\n31,b\n", Schema);
        Assert.Equal("in.csv:3:income: expected 3 fields as in the header, got 2", e.Message);
        Assert.Equal((3L, "income"), (e.Row, e.Column));
    }

    [Fact]
    public void RowWithTooManyFields() =>
        Assert.Equal("in.csv:2:-: expected 3 fields as in the header, got 4", Fails("age,job,income\n30,a,x,y\n", Schema).Message);

    /// <summary>The message names the place and what was expected; the cell's value rides apart, for --verbose-errors only.</summary>
    private static void AssertPrivate(TableFormatException e, string message, string value)
    {
        Assert.Equal(message, e.Message);
        Assert.Equal(value, PrivateValues.Find(e));
    }

    [Fact]
    public void TextInNumericColumn() =>
        AssertPrivate(Fails("age,job,income\n30,a,x\nthirty,a,x\n", Schema), "in.csv:3:age: expected an integer", "\"thirty\"");

    [Fact]
    public void FractionInIntegerColumn() =>
        AssertPrivate(Fails("age,job,income\n30.5,a,x\n", Schema), "in.csv:2:age: expected an integer", "\"30.5\"");

    [Fact]
    public void EmptyFile() =>
        Assert.Equal("in.csv:1:-: expected a header row, but the file is empty", Fails("", Schema).Message);

    [Fact]
    public void MissingHeaderWithSchema()
    {
        // The first row may be data: it is not quoted.
        AssertPrivate(Fails("30,a,x\n31,b,y\n", Schema), "in.csv:1:-: expected a header row naming the schema's columns (e.g. \"age\"), but none of them is in the first row", "\"30,a,x\"");
    }

    [Fact]
    public void MissingHeaderWithoutSchema() =>
        Assert.Equal("in.csv:1:-: expected a header row naming the columns, but the first row looks like data", Fails("30,1.5\n31,2\n").Message);

    [Fact]
    public void LabelNamedInSchemaButAbsent() =>
        Assert.Equal("in.csv:1:income: expected a column \"income\" (the schema names it as the label), but the file has none", Fails("age,job\n30,a\n", Schema).Message);

    [Fact]
    public void ColumnNotInSchema() =>
        Assert.Equal("in.csv:1:zip: expected only columns named in the schema (add this one with role \"ignore\" to skip it)", Fails("age,job,income,zip\n30,a,x,1\n", Schema).Message);

    [Fact]
    public void CategoryOutsideClosedPublicList() =>
        AssertPrivate(Fails("age,job,income\n30,a,x\n31,c,x\n", Schema), "in.csv:3:job: expected one of the 2 declared categories", "\"c\"");

    [Fact]
    public void MissingValueWhereSchemaDeclaresNone() =>
        Assert.Equal("in.csv:2:age: expected a value (the schema declares no missing values in this column)", Fails("age,job,income\n?,a,x\n", Schema).Message);

    [Fact]
    public void UnterminatedQuote() =>
        Assert.Equal("in.csv:2:2: expected a closing quote before the end of the file", Fails("a,b\n1,\"open\n").Message);

    [Fact]
    public void TextAfterClosingQuote() =>
        AssertPrivate(Fails("a,b\n\"q\"x,1\n"), "in.csv:2:1: expected a separator or line end after a closing quote", "'x'");

    [Fact]
    public void DuplicateColumnNames() =>
        Assert.Equal("in.csv:1:a: expected distinct column names in the header", Fails("a,a\n1,2\n").Message);

    [Fact]
    public void FileThatIsNeitherCsvNorParquet()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t-{Guid.NewGuid():N}.xlsx");
        File.WriteAllBytes(path, [0x50, 0x4B, 3, 4, 0, 0]);
        try
        {
            var e = Assert.Throws<TableFormatException>(() => TableReader.Read(path, null));
            Assert.Equal($"{path}:-:-: expected a table file named .csv (comma-separated), .tsv (tab-separated) or .parquet, got .xlsx", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void BinaryFileNamedCsv()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, [0x50, 0x4B, 3, 4, 0, 0, 1, 2]);
        try { Assert.EndsWith(":-:-: expected a CSV text file, got binary content", Assert.Throws<TableFormatException>(() => TableReader.Read(path, null)).Message); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ParquetNameWithoutParquetContent()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t-{Guid.NewGuid():N}.parquet");
        File.WriteAllText(path, "a,b\n1,2\n");
        try { Assert.EndsWith("expected a Parquet file (it has a .parquet name but no PAR1 magic bytes)", Assert.Throws<TableFormatException>(() => TableReader.Read(path, null)).Message); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void NonexistentFile() =>
        Assert.EndsWith("nope.csv:-:-: expected an existing file", Assert.Throws<TableFormatException>(() => TableReader.Read("/nonexistent/nope.csv", null)).Message);

    [Fact]
    public void MessagesStayOnOneLineWhenDataHasNewlines() =>
        Assert.DoesNotContain('\n', Fails("age,job,income\n\"3\n0\",a,x\n", Schema).Message);

    [Theory]
    [InlineData("PAR1")]
    [InlineData("PAR1 this is not really parquet at all PAR1")]
    [InlineData("PAR1\u0000\u0000\u0000\u0000\u0010\u0000\u0000\u0000PAR1")]
    public void CorruptParquet(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"t-{Guid.NewGuid():N}.parquet");
        File.WriteAllText(path, content);
        try { Assert.Contains(":-:-: expected a readable Parquet file (", Assert.Throws<TableFormatException>(() => TableReader.Read(path, null)).Message); }
        finally { File.Delete(path); }
    }
}
