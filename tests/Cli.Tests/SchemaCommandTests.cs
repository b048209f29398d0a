namespace DpSynth.Cli.Tests;

/// <summary>`dpsynth schema`: bad input is one line on stderr, exit code 2, and no output file.</summary>
public sealed class SchemaCommandTests : IDisposable
{
    private const string Schema = """
        {"columns":[
          {"name":"age","kind":"integer","bounds":{"min":0,"max":120,"public":true}},
          {"name":"job","kind":"categorical","categories":{"values":["a","b"],"public":true}},
          {"name":"income","kind":"categorical","role":"label"}]}
        """;

    // What a refusal says instead of a private cell value.
    private const string Hidden = " (the value is private and not shown; --verbose-errors shows it)";

    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-schema-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FileWith(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void InferWritesKindsAndRolesOnly()
    {
        string data = FileWith("d.csv", "age,job,income\n30,a,<=50K\n41,b,>50K\n52,?,<=50K\n");
        string output = Path.Combine(_dir, "s.json");
        var (code, stdout, stderr) = Run("schema", "infer", data, "-o", output);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal("", stdout);
        string json = File.ReadAllText(output);
        Assert.Contains("\"kind\": \"integer\"", json);
        Assert.Contains("\"role\": \"label\"", json);
        Assert.DoesNotContain("bounds", json);
        Assert.DoesNotContain("categories", json);
    }

    [Fact]
    public void InferWithValuesMarksThemPrivateAndWarns()
    {
        string data = FileWith("d.csv", "age,job\n30,a\n41,b\n");
        var (code, stdout, stderr) = Run("schema", "infer", data, "--include-values");
        Assert.Equal(0, code);
        Assert.Contains("\"public\": false", stdout);
        Assert.DoesNotContain("\"public\": true", stdout);
        Assert.StartsWith("dpsynth: warning: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void CheckReportsAMatchingTable()
    {
        string data = FileWith("d.csv", "age,job,income\n30,a,x\n");
        var (code, stdout, _) = Run("schema", "check", data, "--schema", FileWith("s.json", Schema));
        Assert.Equal(0, code);
        Assert.EndsWith("every row read under the schema (3 columns; the row count is private and not shown)", stdout.TrimEnd());
    }

    [Theory]
    [InlineData("ragged.csv", "age,job,income\n30,a,x\n31,b\n", ":3:income: expected 3 fields as in the header, got 2")]
    [InlineData("empty.csv", "", ":1:-: expected a header row, but the file is empty")]
    [InlineData("noheader.csv", "30,1\n31,2\n", ":1:-: expected a header row naming the columns, but the first row looks like data")]
    [InlineData("sheet.xlsx", "PK\u0003\u0004", ":-:-: expected a table file named .csv (comma-separated), .tsv (tab-separated) or .parquet, got .xlsx")]
    [InlineData("quote.csv", "a,b\n1,\"open\n", ":2:2: expected a closing quote before the end of the file")]
    public void InferRefusesBadFilesWithoutWritingOutput(string name, string content, string expected)
    {
        string data = FileWith(name, content);
        string output = Path.Combine(_dir, "out.json");
        var (code, stdout, stderr) = Run("schema", "infer", data, "-o", output);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"dpsynth: {data}{expected}", stderr.TrimEnd());
        Assert.False(File.Exists(output));
        Assert.Equal([data], Directory.GetFiles(_dir)); // no temporary file either
    }

    [Theory]
    [InlineData("age,job,income\nthirty,a,x\n", ":2:age: expected an integer" + Hidden)]
    [InlineData("age,job\n30,a\n", ":1:income: expected a column \"income\" (the schema names it as the label), but the file has none")]
    [InlineData("age,job,income\n30,a,x\n31,c,x\n", ":3:job: expected one of the 2 declared categories" + Hidden)]
    [InlineData("age,job,income\n30,a,x\n31,b\n", ":3:income: expected 3 fields as in the header, got 2")]
    [InlineData("30,a,x\n", ":1:-: expected a header row naming the schema's columns (e.g. \"age\"), but none of them is in the first row" + Hidden)]
    public void CheckRefusesDataThatDoesNotMatchTheSchema(string content, string expected)
    {
        string data = FileWith("d.csv", content);
        var (code, stdout, stderr) = Run("schema", "check", data, "--schema", FileWith("s.json", Schema));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"dpsynth: {data}{expected}", stderr.TrimEnd());
    }

    [Fact]
    public void CheckRefusesAMalformedSchema()
    {
        string data = FileWith("d.csv", "age\n1\n");
        string schema = FileWith("s.json", """{"columns":[{"name":"age","kind":"number"}]}""");
        var (code, _, stderr) = Run("schema", "check", data, "--schema", schema);
        Assert.Equal(2, code);
        Assert.Equal($"dpsynth: {schema}:-:age: expected \"kind\" to be one of continuous, integer, categorical, ordinal, boolean, got \"number\"", stderr.TrimEnd());
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }
}
