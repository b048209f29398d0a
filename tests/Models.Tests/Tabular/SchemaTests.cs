using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

public class SchemaTests
{
    [Fact]
    public void JsonRoundTripsAndUsesReadableNames()
    {
        var schema = AdultLikeData.PublicSchema();
        string json = TableSchemaJson.ToJson(schema);
        Assert.Contains("\"kind\": \"integer\"", json);
        Assert.Contains("\"role\": \"label\"", json);
        Assert.Contains("\"public\": true", json);
        var back = TableSchemaJson.Parse(json, "s.json");
        Assert.Equal(json, TableSchemaJson.ToJson(back));
    }

    [Fact]
    public void MinimalColumnsDefaultToFeaturesWithoutMissingValues()
    {
        var s = TableSchemaJson.Parse("""{"columns":[{"name":"a","kind":"continuous"}]}""", "s.json");
        Assert.Equal(ColumnRole.Feature, s.Columns[0].Role);
        Assert.False(s.Columns[0].Missing);
        Assert.Null(s.Columns[0].PublicBounds);
    }

    [Theory]
    [InlineData("""{"columns":[{"name":"a","kind":"continuous","bounds":{"min":1,"max":0,"public":true}}]}""", "s.json:-:a: expected finite bounds with min < max")]
    [InlineData("""{"columns":[{"name":"a","kind":"categorical","bounds":{"min":0,"max":1,"public":true}}]}""", "s.json:-:a: expected no \"bounds\" on a categorical column")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer"},{"name":"a","kind":"integer"}]}""", "s.json:-:a: expected column names to be unique")]
    [InlineData("""{"columns":[{"name":"a","kind":"boolean","role":"label"},{"name":"b","kind":"boolean","role":"label"}]}""", "s.json:-:-: expected at most one column with role \"label\"")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","precision":1}]}""", "s.json:-:a: expected no \"precision\" on a integer column (integers are whole numbers already)")]
    [InlineData("""{"columns":[{"name":"a","kind":"continuous","precision":16}]}""", "s.json:-:a: expected a \"precision\" (number of decimals) from 0 to 15")]
    [InlineData("""{"columns":[{"name":"a","kind":"categorical","labels":["n","y"]}]}""", "s.json:-:a: expected no \"labels\" on a categorical column (they spell a boolean's false and true)")]
    [InlineData("""{"columns":[{"name":"a","kind":"boolean","labels":["y"]}]}""", "s.json:-:a: expected \"labels\" as two distinct non-empty spellings, false first (e.g. [\"no\", \"yes\"])")]
    [InlineData("""{"columns":[{"name":"a","kind":"boolean","labels":["yes","no"]}]}""", "s.json:-:a: expected \"labels\" with the false spelling first and the true spelling second")]
    public void ContradictorySchemasAreRefused(string json, string message) =>
        Assert.Equal(message, Assert.Throws<TableFormatException>(() => TableSchemaJson.Parse(json, "s.json")).Message);

    [Theory]
    [InlineData("""{"columns":[{"name":"a","kind":"real"}]}""", "s.json:-:a: expected \"kind\" to be one of continuous, integer, categorical, ordinal, boolean, got \"real\"")]
    [InlineData("""{"columns":[{"name":"a","kind":"integer","bounds":{"min":0,"max":1,"publc":true}}]}""", "s.json:-:a: expected \"bounds\" to be one of the keys min, max, public (unknown key \"publc\"; did you mean \"public\"?)")]
    [InlineData("""{"columns":[{"kind":"integer"}]}""", "s.json:-:column 1: expected an object with the key \"name\" (a text in double quotes), but it is missing")]
    [InlineData("""{"columns":""", "s.json:1:-: expected valid JSON (")]
    public void MalformedSchemasAreRefusedWithTheirLocation(string json, string expected)
    {
        var e = Assert.Throws<TableFormatException>(() => TableSchemaJson.Parse(json, "s.json"));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain("DpSynth.", e.Message);
        Assert.DoesNotContain("System.", e.Message);
    }

    [Fact]
    public void InferenceProposesKindsRolesAndMissingButNoValues()
    {
        var table = CsvTableReader.Read(new StringReader(AdultLikeData.Csv(500, 1)), "a.csv", null);
        var s = SchemaInference.Infer(table);
        Assert.Equal(AdultLikeData.Header, s.Columns.Select(c => c.Name));
        Assert.Equal(ColumnKind.Integer, s.Find("age")!.Kind);
        Assert.Equal(ColumnKind.Integer, s.Find("fnlwgt")!.Kind);
        Assert.Equal(ColumnKind.Categorical, s.Find("workclass")!.Kind);
        Assert.True(s.Find("workclass")!.Missing);
        Assert.False(s.Find("education")!.Missing);
        Assert.Equal(ColumnRole.Label, s.Find("income")!.Role);
        Assert.All(s.Columns, c => { Assert.Null(c.Bounds); Assert.Null(c.Categories); });
    }

    [Fact]
    public void InferenceWithValuesMarksThemPrivate()
    {
        var table = CsvTableReader.Read(new StringReader("x,flag,c,id\n1.5,yes,a,k1\n-2,no,b,k2\n" + string.Concat(Enumerable.Range(3, 30).Select(i => $"3,no,a,k{i}\n"))), "a.csv", null);
        var s = SchemaInference.Infer(table, includeValues: true);
        Assert.Equal(ColumnKind.Continuous, s.Find("x")!.Kind);
        Assert.Equal(new DeclaredBounds(-2, 3, Public: false), s.Find("x")!.Bounds);
        Assert.Equal(ColumnKind.Boolean, s.Find("flag")!.Kind);
        Assert.Equal(["a", "b"], s.Find("c")!.Categories!.Values);
        Assert.False(s.Find("c")!.Categories!.Public);
        Assert.Equal(ColumnRole.Ignore, s.Find("id")!.Role); // a distinct value per row: an identifier
        Assert.Null(s.Find("c")!.PublicCategories);
    }
}

public class SchemaJsonShapeTests
{
    [Fact]
    public void OnlyDeclaredPropertiesAreWrittenAndTextIsReadable()
    {
        string json = TableSchemaJson.ToJson(AdultLikeData.PublicSchema());
        Assert.DoesNotContain("modelledColumns", json);
        Assert.DoesNotContain("publicBounds", json);
        Assert.Contains("\"<=50K\"", json);
    }
}
