using System.Text;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

public class CsvTableReaderTests
{
    private static Table Read(string csv, TableSchema? schema = null, TableReadOptions? options = null) =>
        CsvTableReader.Read(new StringReader(csv), "t.csv", schema, options);

    private static string[] Values(Table t, string column)
    {
        var c = (CategoricalColumn)t.Find(column)!;
        return Enumerable.Range(0, c.Length).Select(i => c.ValueAt(i) ?? "<missing>").ToArray();
    }

    [Fact]
    public void QuotedFieldsKeepSeparatorsNewlinesAndDoubledQuotes()
    {
        var t = Read("a,b\r\n\"x,1\",\"line1\r\nline2\"\r\n\"say \"\"hi\"\"\",\"\"\"\"\r\nplain, padded \r\n");
        Assert.Equal(["x,1", "say \"hi\"", "plain"], Values(t, "a"));
        Assert.Equal(["line1\r\nline2", "\"", "padded"], Values(t, "b"));
    }

    [Fact]
    public void LfCrLfAndCrLineEndsAndMissingFinalNewlineAreAccepted()
    {
        var t = Read("a,b\n1,2\r\n3,4\r5,6");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(["1", "3", "5"], Values(t, "a"));
        Assert.Equal(["2", "4", "6"], Values(t, "b"));
    }

    [Fact]
    public void ByteOrderMarkIsDroppedFromTheFirstColumnName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "age,x\n1,a\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
            var t = TableReader.Read(path, null);
            Assert.NotNull(t.Find("age"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void DefaultMissingMarkersAreEmptyNaAndQuestionMark()
    {
        var schema = new TableSchema([new ColumnSchema("a", ColumnKind.Continuous, Missing: true), new ColumnSchema("b", ColumnKind.Categorical, Missing: true)]);
        var t = Read("a,b\n1.5,x\n,NA\nNA,?\n?,\n", schema);
        var a = (NumericColumn)t.Find("a")!;
        Assert.Equal(1.5, a.Values[0]);
        Assert.Equal(3, a.MissingCount());
        Assert.Equal(["x", "<missing>", "<missing>", "<missing>"], Values(t, "b"));
    }

    [Fact]
    public void MissingMarkersAreConfigurable()
    {
        var schema = new TableSchema([new ColumnSchema("a", ColumnKind.Categorical, Missing: true)]);
        var t = Read("a\nNA\n-\n\n", schema, new TableReadOptions { MissingMarkers = ["-"] });
        Assert.Equal(["NA", "<missing>", "<missing>"], Values(t, "a"));
    }

    [Fact]
    public void NumbersAreParsedAndCategoriesDictionaryEncodedUnderASchema()
    {
        var schema = new TableSchema([new ColumnSchema("n", ColumnKind.Integer), new ColumnSchema("c", ColumnKind.Categorical), new ColumnSchema("id", ColumnKind.Categorical, ColumnRole.Ignore)]);
        var t = Read("n,c,id\n1,x,a\n-20,y,b\n3e2,x,c\n", schema);
        Assert.Equal([1.0, -20, 300], ((NumericColumn)t.Find("n")!).Values.ToArray());
        var c = (CategoricalColumn)t.Find("c")!;
        Assert.Equal(["x", "y"], c.Levels);
        Assert.Equal([0, 1, 0], c.Codes.ToArray());
        Assert.Null(t.Find("id")); // role ignore: checked, not kept
    }

    [Fact]
    public void BooleansAcceptCommonSpellings()
    {
        var schema = new TableSchema([new ColumnSchema("b", ColumnKind.Boolean)]);
        var t = Read("b\ntrue\nNo\n1\nF\ny\n", schema);
        Assert.Equal(["true", "false", "true", "false", "true"], Values(t, "b"));
    }

    [Fact]
    public void PublicCategoryListFixesCodeOrder()
    {
        var schema = new TableSchema([new ColumnSchema("c", ColumnKind.Ordinal, Categories: new DeclaredCategories(["low", "mid", "high"], true))]);
        var c = (CategoricalColumn)Read("c\nhigh\nlow\n", schema).Find("c")!;
        Assert.Equal(["low", "mid", "high"], c.Levels);
        Assert.Equal([2, 0], c.Codes.ToArray());
    }

    [Fact]
    public void RecordsLongerThanTheReadBufferAndManyBufferBoundariesParseExactly()
    {
        // Fields that straddle the 64 KiB buffer at every kind of position: inside quotes, on a
        // doubled quote, between CR and LF.
        var rng = new Random(3);
        var expected = new List<(string, string)>();
        var sb = new StringBuilder("a,b\r\n");
        for (int i = 0; i < 3000; i++)
        {
            string a = new string('x', rng.Next(0, 60)) + (rng.Next(3) == 0 ? "\"q\"" : "") + (rng.Next(4) == 0 ? ",\r\n" : "");
            string b = i == 1500 ? new string('y', 200_000) : rng.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture);
            expected.Add((a, b));
            sb.Append('"').Append(a.Replace("\"", "\"\"")).Append("\",").Append(b).Append("\r\n");
        }
        var t = Read(sb.ToString());
        Assert.Equal(expected.Select(e => e.Item1.Length == 0 ? "<missing>" : e.Item1), Values(t, "a"));
        Assert.Equal(expected.Select(e => e.Item2), Values(t, "b"));
    }

    [Fact]
    public void BlankLinesBetweenRecordsAreSkipped()
    {
        var t = Read("a,b\n1,2\n\n3,4\n\n");
        Assert.Equal(2, t.RowCount);
    }

    [Fact]
    public void TabSeparatedFilesAreReadByExtension()
    {
        string path = Path.Combine(Path.GetTempPath(), $"t-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllText(path, "a\tb\nx,y\tz\n");
            var t = TableReader.Read(path, null);
            Assert.Equal(["x,y"], Values(t, "a"));
        }
        finally { File.Delete(path); }
    }
}
