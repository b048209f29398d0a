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

    [Fact]
    public void TextInNumericColumn() =>
        Assert.Equal("in.csv:3:age: expected an integer, got \"thirty\"", Fails("age,job,income\n30,a,x\nthirty,a,x\n", Schema).Message);

    [Fact]
    public void FractionInIntegerColumn() =>
        Assert.Equal("in.csv:2:age: expected an integer, got \"30.5\"", Fails("age,job,income\n30.5,a,x\n", Schema).Message);

    [Fact]
    public void EmptyFile() =>
        Assert.Equal("in.csv:1:-: expected a header row, but the file is empty", Fails("", Schema).Message);

    [Fact]
    public void MissingHeaderWithSchema()
    {
        var e = Fails("30,a,x\n31,b,y\n", Schema);
        Assert.StartsWith("in.csv:1:-: expected a header row naming the schema's columns (e.g. \"age\"), got \"30,a,x\"", e.Message);
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
        Assert.Equal("in.csv:3:job: expected one of the 2 declared categories, got \"c\"", Fails("age,job,income\n30,a,x\n31,c,x\n", Schema).Message);

    [Fact]
    public void MissingValueWhereSchemaDeclaresNone() =>
        Assert.Equal("in.csv:2:age: expected a value (the schema declares no missing values in this column)", Fails("age,job,income\n?,a,x\n", Schema).Message);

    [Fact]
    public void UnterminatedQuote() =>
        Assert.Equal("in.csv:2:2: expected a closing quote before the end of the file", Fails("a,b\n1,\"open\n").Message);

    [Fact]
    public void TextAfterClosingQuote() =>
        Assert.Equal("in.csv:2:1: expected a separator or line end after a closing quote, got 'x'", Fails("a,b\n\"q\"x,1\n").Message);

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
            Assert.Equal($"{path}:-:-: expected a CSV (.csv, .tsv) or Parquet (.parquet) file, got .xlsx", e.Message);
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
