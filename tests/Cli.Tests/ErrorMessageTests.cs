using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>
/// What users see when something is wrong: one line in their terms, exit code 2 — never a .NET type
/// name or "internal error" — and never a private cell value unless --verbose-errors asks for it.
/// </summary>
public sealed class ErrorMessageTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>, IDisposable
{
    private const string Secret = "ZEBRA7731";
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    /// <summary>The fixture's table with one cell of <paramref name="column"/> (data row 3, file line 4) replaced.</summary>
    private string TableWithCell(string column, string value, string name = "bad.csv")
    {
        var lines = File.ReadAllLines(fixture.Table);
        int c = Array.IndexOf(lines[0].Split(','), column);
        var cells = lines[3].Split(',');
        cells[c] = value;
        lines[3] = string.Join(',', cells);
        string path = P(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    // ---- unknown commands and help -------------------------------------------------------------

    [Theory]
    [InlineData("fitt", "did you mean 'dpsynth fit'?")]
    [InlineData("smaple", "did you mean 'dpsynth sample'?")]
    [InlineData("evalute", "did you mean 'dpsynth evaluate'?")]
    [InlineData("twins relase", "did you mean 'dpsynth twins release'?")]
    [InlineData("schema infre", "did you mean 'dpsynth schema infer'?")]
    [InlineData("frobnicate", "'frobnicate' is not a command; the commands are demo, devices, ")]
    [InlineData("", "no command given")]
    [InlineData("twins", "needs a command; the commands are release, analyse, study")]
    public void AnUnknownCommandSuggestsTheNearestOne(string line, string expected) =>
        Refusal.OneLine(CliRunner.Line(line), expected);

    [Fact]
    public void HelpAsACommandShowsTheHelp()
    {
        var root = CliRunner.Run("help");
        Assert.Equal(0, root.Code);
        Assert.Contains("Usage:", root.Out);
        Assert.Contains("sample", root.Out);
        var fit = CliRunner.Run("help", "fit");
        Assert.Equal(0, fit.Code);
        Assert.Contains("--epsilon", fit.Out);
    }

    // ---- schema files ------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"columns":[{"name":"age","kind":"integr"}]}""", "age: expected \"kind\" to be one of continuous, integer, categorical, ordinal, boolean, got \"integr\"")]
    [InlineData("""{"columns":[{"name":"age","kind":3}]}""", "one of continuous, integer, categorical, ordinal, boolean, got 3")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","role":"lable"}]}""", "\"role\" to be one of feature, label, ignore, got \"lable\"")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","bounds":{"min":"0","max":9,"public":true}}]}""", "\"bounds.min\" to be a finite number, got \"0\"")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","bounds":{"min":0,"max":9}}]}""", "\"bounds\" to be an object with the key \"public\" (true or false), but it is missing")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","pubic":true}]}""", "unknown key \"pubic\"")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","bounds":{"min":0,"max":9,"publc":true}}]}""", "did you mean \"public\"?")]
    [InlineData("""{"columns":[{"name":"age"}]}""", "key \"kind\" (one of continuous, integer, categorical, ordinal, boolean), but it is missing")]
    [InlineData("""{"columns":{"name":"age"}}""", "\"columns\" to be a list")]
    [InlineData("""{"colums":[]}""", "did you mean \"columns\"?")]
    [InlineData("""[]""", "a JSON object with a \"columns\" list")]
    [InlineData("""{"columns":[{"name":"age","kind":"categorical","categories":{"values":["a",1],"public":true}}]}""", "\"categories.values[2]\" to be a text in double quotes, got 1")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer"},{"name":"age","kind":"integer"}]}""", "column names to be unique")]
    [InlineData("""{"columns":[{"name":"age","kind":"integer","name":"x"}]}""", "valid JSON")]
    [InlineData("""{"columns":[""", "valid JSON")]
    [InlineData("", "the file is empty")]
    public void SchemaTyposAreReportedInTheSchemasOwnTerms(string json, string expected)
    {
        string schema = P("s.json");
        File.WriteAllText(schema, json);
        string line = Refusal.OneLine(CliRunner.Run("schema", "check", fixture.Table, "--schema", schema), expected);
        Assert.StartsWith($"dpsynth: {schema}:", line);
    }

    // ---- devices, budgets, extensions ----------------------------------------------------------

    [Theory]
    [InlineData("cuda:97")]
    [InlineData("opencl:97")]
    public void AGpuThatIsNotThereIsOneLine(string device) =>
        Refusal.OneLine(CliRunner.Run("sample", fixture.Model, "--rows", "5", "--device", device, "-o", P("x.csv")), $"--device {device}");

    [Fact]
    public void AHugeEpsilonFitsInsteadOfFailingToWriteInfinity()
    {
        string model = P("huge.dpsynth");
        var r = CliRunner.Run("fit", fixture.Table, "--schema", fixture.Schema, "--epsilon", "1e5", "--epochs", "1", "--preset", "paper", "--seed", "1", "--device", "cpu", "-o", model);
        Assert.True(r.Code == 0, r.Err);
        Assert.DoesNotContain("Infinity", r.Err + r.Out);
        Assert.True(File.Exists(model));
    }

    [Theory]
    [InlineData("1e-9")]
    [InlineData("0.01")]
    public void ATinyEpsilonWithoutASchemaIsRefusedPromptlyInOneLine(string epsilon)
    {
        Refusal.OneLine(CliRunner.Run("fit", fixture.Table, "--epsilon", epsilon, "--epochs", "1", "--device", "cpu", "-o", P("tiny.dpsynth")), "epsilon");
        Assert.False(File.Exists(P("tiny.dpsynth")));
    }

    [Fact]
    public void SampleWritesTabsToATsvAndEvaluateReadsIt()
    {
        string tsv = P("s.tsv");
        var r = CliRunner.Run("sample", fixture.Model, "--rows", "40", "--seed", "2", "--device", "cpu", "-o", tsv);
        Assert.True(r.Code == 0, r.Err);
        var lines = File.ReadAllLines(tsv);
        Assert.Equal(41, lines.Length);
        Assert.Equal(File.ReadLines(fixture.Table).First().Split(','), lines[0].Split('\t'));
        Assert.All(lines, l => Assert.DoesNotContain(',', l));
        var e = CliRunner.Run("evaluate", "--real", fixture.Table, "--synthetic", tsv, "--test", fixture.Table, "--label", "event", "--schema", fixture.Schema);
        Assert.True(e.Code == 0, e.Err);
    }

    [Theory]
    [InlineData("x.txt")]
    [InlineData("x.pq")]
    [InlineData("x")]
    public void AnUnknownOutputExtensionIsRefusedWithTheAcceptedOnes(string name)
    {
        Refusal.OneLine(CliRunner.Run("sample", fixture.Model, "--rows", "5", "-o", P(name)), ".csv (comma-separated), .tsv (tab-separated) or .parquet");
        Assert.False(File.Exists(P(name)));
    }

    [Fact]
    public void SampleRefusesRowsTheDiskCannotHoldBeforeWriting()
    {
        string output = P("huge.csv");
        Refusal.OneLine(CliRunner.Run("sample", fixture.Model, "--rows", "1000000000000000", "--device", "cpu", "-o", output), "is free there");
        Assert.False(File.Exists(output));
        Refusal.NoTemporaryFiles(_dir);
    }

    [Fact]
    public void MalformedInputsAreOneLineRefusals()
    {
        string empty = P("empty.csv"), headerOnly = P("header.csv"), duplicate = P("dup.csv"), directory = P("dir.csv");
        File.WriteAllText(empty, "");
        File.WriteAllText(headerOnly, File.ReadLines(fixture.Table).First() + "\n");
        File.WriteAllText(duplicate, "a,a\n1,2\n");
        Directory.CreateDirectory(directory);
        string damaged = P("damaged.dpsynth");
        var bytes = File.ReadAllBytes(fixture.Model);
        File.WriteAllBytes(damaged, bytes[..^30]); // the zip's end record cut off
        foreach (var bad in new[] { empty, duplicate, directory, P("absent.csv") })
        {
            Refusal.OneLine(CliRunner.Run("schema", "infer", bad));
            Refusal.OneLine(CliRunner.Run("fit", bad, "--epsilon", "1", "-o", P("m.dpsynth")));
            Refusal.OneLine(CliRunner.Run("evaluate", "--real", fixture.Table, "--synthetic", bad, "--test", fixture.Table, "--label", "event"));
        }
        Refusal.OneLine(CliRunner.Run("fit", headerOnly, "--schema", fixture.Schema, "--epsilon", "1", "-o", P("m.dpsynth")));
        Refusal.OneLine(CliRunner.Run("evaluate", "--real", fixture.Table, "--synthetic", headerOnly, "--test", fixture.Table, "--label", "event", "--schema", fixture.Schema), "has none");
        foreach (var model in new[] { damaged, fixture.Table, directory, empty })
            Refusal.OneLine(CliRunner.Run("sample", model, "--rows", "5", "-o", P("o.csv")));
        Refusal.OneLine(CliRunner.Run("sample", damaged, "--rows", "5", "-o", P("o.csv")), "damaged");
        Refusal.OneLine(CliRunner.Run("fit", fixture.Table, "--schema", directory, "--epsilon", "1", "-o", P("m.dpsynth")));
        Refusal.NoTemporaryFiles(_dir);
        Assert.False(File.Exists(P("m.dpsynth")));
    }

    // ---- private values ------------------------------------------------------------------------

    public static TheoryData<string, string, string> PrivateCells => new()
    {
        // column, bad cell, expected (file:row:column: what was expected)
        { "sex", Secret, ":4:sex: expected one of the 2 declared categories" },
        { "visits", Secret, ":4:visits: expected an integer" },
        { "visits", "7731.5", ":4:visits: expected an integer" },
        { "smoker", Secret, ":4:smoker: expected a boolean" },
        { "age", Secret + "e", ":4:age: expected a number" },
        { "education", Secret, ":4:education: expected one of" },
    };

    [Theory]
    [MemberData(nameof(PrivateCells))]
    public void ErrorsAboutAPrivateCellNameItsPlaceButNotItsValue(string column, string cell, string expected)
    {
        string bad = TableWithCell(column, cell);
        foreach (var args in new[]
        {
            // The real table is read strictly; a synthetic one leniently (fractions and missing cells are what the metrics measure).
            new[] { "schema", "check", bad, "--schema", fixture.Schema },
            new[] { "fit", bad, "--schema", fixture.Schema, "--epsilon", "1", "-o", P("m.dpsynth") },
            new[] { "evaluate", "--real", bad, "--synthetic", fixture.Table, "--test", fixture.Table, "--label", "event", "--schema", fixture.Schema },
        })
        {
            string line = Refusal.OneLine(CliRunner.Run(args), expected);
            Assert.DoesNotContain(cell, line);
            Assert.DoesNotContain("7731", line);
            Assert.Contains("--verbose-errors", line);
        }
    }

    [Theory]
    [MemberData(nameof(PrivateCells))]
    public void VerboseErrorsRevealTheValue(string column, string cell, string expected)
    {
        string bad = TableWithCell(column, cell);
        string line = Refusal.OneLine(CliRunner.Run("schema", "check", bad, "--schema", fixture.Schema, "--verbose-errors"), expected);
        Assert.Contains($"got \"{cell}\"", line);
    }

    [Fact]
    public void AParquetCellIsNotQuotedEither()
    {
        // Visits as a fractional number in a typed Parquet column, read back under the schema's integer kind.
        var schema = TableSchemaJson.Load(fixture.Schema);
        var continuous = schema with { Columns = schema.Columns.Select(c => c.Name == "visits" ? c with { Kind = ColumnKind.Continuous } : c).ToArray() };
        string parquet = P("frac.parquet");
        TableWriter.Write(CsvTableReader.Read(TableWithCell("visits", "7731.5", "frac.csv"), continuous), parquet);
        string line = Refusal.OneLine(CliRunner.Run("schema", "check", parquet, "--schema", fixture.Schema), ":visits: expected an integer");
        Assert.DoesNotContain("7731", line);
        Assert.Contains("7731.5", Refusal.OneLine(CliRunner.Run("schema", "check", parquet, "--schema", fixture.Schema, "--verbose-errors")));
    }

    [Fact]
    public void AFirstRowThatIsDataIsNotQuoted()
    {
        string noHeader = P("noheader.csv");
        File.WriteAllLines(noHeader, File.ReadAllLines(fixture.Table).Skip(1));
        string line = Refusal.OneLine(CliRunner.Run("schema", "check", noHeader, "--schema", fixture.Schema), "none of them is in the first row");
        Assert.DoesNotContain(File.ReadLines(noHeader).First()[..12], line);
    }

    [Fact]
    public void TwinsAnalyseDoesNotQuoteALocalOutcome()
    {
        string local = TableWithCell("visits", "-7731", "local.csv");
        string twins = P("twins");
        Directory.CreateDirectory(twins);
        File.Copy(fixture.Table, Path.Combine(twins, "twin_1.csv"));
        File.Copy(fixture.Table, Path.Combine(twins, "twin_2.csv"));
        string line = Refusal.OneLine(CliRunner.Run("twins", "analyse", "--local", local, "--twins", twins, "--formula", "visits ~ sex", "--family", "poisson"),
            "must be a non-negative count");
        Assert.DoesNotContain("7731", line);
        Assert.Contains("-7731", Refusal.OneLine(CliRunner.Run("twins", "analyse", "--local", local, "--twins", twins, "--formula", "visits ~ sex", "--family", "poisson", "--verbose-errors")));
    }

    [Fact]
    public void VerboseErrorsIsDocumentedAsRevealing()
    {
        var help = CliRunner.Run("fit", "--help");
        Assert.Contains("--verbose-errors", help.Out);
        Assert.Contains("REVEALS PRIVATE DATA", help.Out);
    }
}
