using System.Globalization;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Tests;

/// <summary>`dpsynth fit`, `sample` and `evaluate` end to end on a small simulated clinic table, and their refusals.</summary>
public sealed class FitSampleEvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-fit-cli-").FullName;
    private readonly string _train, _test, _schema;

    public FitSampleEvaluateCommandTests()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 3000, Centres: 4, Seed: 5));
        _train = Path.Combine(_dir, "train.csv");
        _test = Path.Combine(_dir, "test.csv");
        _schema = Path.Combine(_dir, "clinic.schema.json");
        CsvTableWriter.Write(sim.Generate(), _train);
        // The holdout: other patients drawn by the same simulator (a later seed, same centres).
        CsvTableWriter.Write(new ClinicSimulator(sim.Options with { Rows = 1000, Seed = 6 }).Generate(), _test);
        File.WriteAllText(_schema, TableSchemaJson.ToJson(sim.Schema));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static void AssertOneLineRefusal((int Code, string Out, string Err) r, string? mentions = null)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("dpsynth: ", err);
        Assert.DoesNotContain('\n', err);
        if (mentions is not null) Assert.Contains(mentions, err);
    }

    [Fact]
    public void A_private_row_count_is_printed_stored_and_logged_nowhere_and_sample_defaults_to_the_dp_count()
    {
        // A distinctive size, so that a leak of the exact count is visible to a grep.
        const int Exact = 1237;
        string table = P("odd.csv"), model = P("odd.dpsynth"), synth = P("odd.synthetic.csv");
        CsvTableWriter.Write(new ClinicSimulator(new ClinicSimulatorOptions(Rows: Exact, Centres: 2, Seed: 8)).Generate(), table);
        var fit = CliRunner.Run("fit", table, "--epsilon", "2", "--epochs", "1", "--seed", "3", "--device", "cpu", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        var exact = new System.Text.RegularExpressions.Regex(@"(?<![\d.])1237(?![\d])");
        Assert.DoesNotMatch(exact, fit.Out);
        Assert.DoesNotMatch(exact, fit.Err);
        string manifest;
        using (var zip = System.IO.Compression.ZipFile.OpenRead(model))
        using (var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open()))
            manifest = reader.ReadToEnd();
        Assert.DoesNotMatch(exact, manifest);
        Assert.Contains("\"row count\"", manifest); // the DP count is a ledger stage

        var sample = CliRunner.Run("sample", model, "--seed", "2", "-o", synth);
        Assert.True(sample.Code == 0, sample.Err);
        long released = Models.Generators.GeneratorRegistry.Load(model).Summary.RowCount!.Value;
        Assert.NotEqual(Exact, released);
        Assert.Equal(released + 1, File.ReadAllLines(synth).Length);

        // Declared public: used as given; a wrong declaration is refused naming neither count.
        string schema = P("odd.schema.json"), wrong = P("odd.wrong.schema.json");
        var declared = new ClinicSimulator(new ClinicSimulatorOptions(Rows: Exact, Centres: 2, Seed: 8)).Schema;
        File.WriteAllText(schema, TableSchemaJson.ToJson(declared with { Rows = new DeclaredRows(Exact) }));
        File.WriteAllText(wrong, TableSchemaJson.ToJson(declared with { Rows = new DeclaredRows(Exact + 1) }));
        var pub = CliRunner.Run("fit", table, "--schema", schema, "--epsilon", "2", "--epochs", "1", "--seed", "3", "--device", "cpu", "-o", P("pub.dpsynth"));
        Assert.True(pub.Code == 0, pub.Err);
        Assert.Contains("on 1237 rows (declared public)", pub.Out);
        var refused = CliRunner.Run("fit", table, "--schema", wrong, "--epsilon", "2", "--seed", "3", "--device", "cpu", "-o", P("wrong.dpsynth"));
        AssertOneLineRefusal(refused, "declares public");
        Assert.DoesNotMatch(exact, refused.Err);
        Assert.DoesNotContain("1238", refused.Err);
        Assert.False(File.Exists(P("wrong.dpsynth")));
    }

    [Fact]
    public void FitSampleEvaluateEndToEnd()
    {
        string model = P("m.dpsynth"), synth = P("s.csv");
        var fit = CliRunner.Run("fit", _train, "--schema", _schema, "--epsilon", "2", "--delta", "1e-5", "--epochs", "1", "--seed", "4", "--device", "cpu", "--preset", "paper", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.Contains("fitted tablediffusion (paper) on about ", fit.Out);
        Assert.Contains("rows (DP count)", fit.Out);
        Assert.DoesNotContain("3000", fit.Out + fit.Err);
        Assert.Matches(@"fit: step (\d+)/\1 ", fit.Err);
        Assert.True(File.Exists(model));

        var sample = CliRunner.Run("sample", model, "--rows", "700", "--seed", "2", "--device", "cpu", "-o", synth);
        Assert.True(sample.Code == 0, sample.Err);
        Assert.Contains("wrote 700 rows", sample.Out);
        Assert.Equal(701, File.ReadAllLines(synth).Length);

        AssertShardsAndParquetMatch(model, synth, 700);

        var eval = CliRunner.Run("evaluate", "--real", _train, "--synthetic", synth, "--test", _test, "--label", "event", "--schema", _schema, "--json");
        Assert.True(eval.Code == 0, eval.Err);
        var report = EvaluationReport.FromJson(eval.Out);
        Assert.NotNull(report);
        Assert.Equal(700, report!.Rows.Synthetic);
        Assert.InRange(report.Fidelity.OneWayTvdMean, 0, 1);

        var text = CliRunner.Run("evaluate", "--real", _train, "--synthetic", synth, "--test", _test, "--label", "event");
        Assert.True(text.Code == 0, text.Err);
        Assert.Contains("1-way TVD", text.Out);
    }

    [Fact]
    public void DefaultPresetFitsSamplesAndShards()
    {
        string model = P("d.dpsynth"), synth = P("d.csv");
        var fit = CliRunner.Run("fit", _train, "--schema", _schema, "--epsilon", "2", "--epochs", "2", "--seed", "4", "--device", "cpu", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.Contains("fitted tablediffusion (default) on about ", fit.Out);
        Assert.Equal(0, CliRunner.Run("sample", model, "--rows", "300", "--seed", "2", "-o", synth).Code);
        AssertShardsAndParquetMatch(model, synth, 300);
        Assert.Equal(301, File.ReadAllLines(synth).Length);
    }

    [Fact]
    public void FitWithoutSchemaInfersItWithDpAndKeepsEveryColumnAndSpelling()
    {
        // A yes/no column, a column with a NaN cell and an identifier: the exact inference would drop two of them.
        var rng = new Random(3);
        var lines = new List<string> { "id,weight,smoker,visits" };
        for (int r = 0; r < 3000; r++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"p{r},{50 + rng.Next(0, 500) / 10.0:0.0},{(rng.Next(4) == 0 ? "yes" : "no")},{rng.Next(0, 12)}"));
        lines.Add("p3000,NaN,no,3");
        string data = P("plain.csv"), model = P("plain.dpsynth"), synth = P("plain_synthetic.csv");
        File.WriteAllLines(data, lines);
        var fit = CliRunner.Run("fit", data, "--epsilon", "3", "--epochs", "1", "--seed", "4", "--device", "cpu", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        Assert.Equal(0, CliRunner.Run("sample", model, "--rows", "400", "--seed", "2", "-o", synth).Code);
        var rows = File.ReadAllLines(synth);
        Assert.Equal("id,weight,smoker,visits", rows[0]);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.All(cells, c => Assert.Contains(c[2], new[] { "yes", "no" }));
        Assert.All(cells, c => Assert.Matches(@"^\d+(\.\d)?$", c[1])); // rounded to the source's one decimal
        Assert.All(cells, c => Assert.Matches(@"^\d+$", c[3]));

        var ledger = DpSynth.Models.Generators.TableDiffusion.TableDiffusionModel.Load(model).Ledger!;
        Assert.All(new[] { "id", "weight", "smoker", "visits" }, n => Assert.Contains(ledger.Stages, s => s.Name == $"schema of column {n}"));
        Assert.Contains("header", CliRunner.Run("fit", "--help").Out);
    }

    /// <summary>
    /// Two seeded shards concatenate to the unsharded CSV output (seed 2, the same row count), and
    /// Parquet output (one row group per batch) holds the same rows.
    /// </summary>
    private void AssertShardsAndParquetMatch(string model, string synth, int rows)
    {
        string n = rows.ToString(CultureInfo.InvariantCulture), tag = Path.GetFileNameWithoutExtension(synth);
        Assert.Equal(0, CliRunner.Run("sample", model, "--rows", n, "--seed", "2", "--shard", "0/2", "-o", P(tag + "_a.csv")).Code);
        Assert.Equal(0, CliRunner.Run("sample", model, "--rows", n, "--seed", "2", "--shard", "1/2", "-o", P(tag + "_b.csv")).Code);
        var joined = File.ReadAllLines(P(tag + "_a.csv")).Concat(File.ReadAllLines(P(tag + "_b.csv")).Skip(1));
        Assert.Equal(File.ReadAllLines(synth), joined);

        Assert.Equal(0, CliRunner.Run("sample", model, "--rows", n, "--seed", "2", "-o", P(tag + ".parquet")).Code);
        var fromParquet = ParquetTableReader.Read(P(tag + ".parquet"), null);
        var fromCsv = CsvTableReader.Read(synth, null);
        Assert.Equal(rows, fromParquet.RowCount);
        Assert.Equal(fromCsv.Columns.Select(c => c.Name), fromParquet.Columns.Select(c => c.Name));
        static string? Cell(TableColumn c, int r) => c is NumericColumn v ? v.Values[r].ToString("R", CultureInfo.InvariantCulture) : ((CategoricalColumn)c).ValueAt(r)?.ToLowerInvariant();
        for (int c = 0; c < fromCsv.Columns.Count; c++)
            for (int r = 0; r < rows; r += 7)
                Assert.Equal(Cell(fromCsv.Columns[c], r), Cell(fromParquet.Columns[c], r));
    }

    [Fact]
    public void FitRefusesAnUnknownPreset() =>
        AssertOneLineRefusal(CliRunner.Run("fit", _train, "--epsilon", "1", "--preset", "best", "-o", P("m.dpsynth")), "preset");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void FitRefusesABadEpsilon(string epsilon)
    {
        AssertOneLineRefusal(CliRunner.Run("fit", _train, "--epsilon", epsilon, "-o", P("m.dpsynth")), "epsilon");
        Assert.False(File.Exists(P("m.dpsynth")));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("1.5")]
    public void FitRefusesABadDelta(string delta)
    {
        AssertOneLineRefusal(CliRunner.Run("fit", _train, "--epsilon", "1", "--delta", delta, "-o", P("m.dpsynth")), "delta");
        Assert.False(File.Exists(P("m.dpsynth")));
    }

    [Fact]
    public void FitRefusesAMissingFile()
    {
        AssertOneLineRefusal(CliRunner.Run("fit", P("nope.csv"), "--epsilon", "1", "-o", P("m.dpsynth")), "nope.csv");
        Assert.False(File.Exists(P("m.dpsynth")));
    }

    [Fact]
    public void EvaluateRefusesAnUnknownLabelAndMissingFiles()
    {
        AssertOneLineRefusal(CliRunner.Run("evaluate", "--real", _train, "--synthetic", _test, "--test", _test, "--label", "nosuch"), "nosuch");
        AssertOneLineRefusal(CliRunner.Run("evaluate", "--real", _train, "--synthetic", P("gone.csv"), "--test", _test, "--label", "event"), "gone.csv");
    }

    [Fact]
    public void SampleRefusesMissingTamperedAndTruncatedModels()
    {
        AssertOneLineRefusal(CliRunner.Run("sample", P("none.dpsynth"), "--rows", "10", "-o", P("x.csv")), "none.dpsynth");
        string model = P("m.dpsynth");
        var fit = CliRunner.Run("fit", _train, "--schema", _schema, "--epsilon", "1", "--epochs", "0.5", "--seed", "1", "-o", model);
        Assert.True(fit.Code == 0, fit.Err);
        var bytes = File.ReadAllBytes(model);

        var tampered = (byte[])bytes.Clone();
        tampered[200] ^= 0x01;
        File.WriteAllBytes(P("t.dpsynth"), tampered);
        AssertOneLineRefusal(CliRunner.Run("sample", P("t.dpsynth"), "--rows", "10", "-o", P("x.csv")), "t.dpsynth");

        File.WriteAllBytes(P("h.dpsynth"), bytes[..(bytes.Length / 2)]);
        AssertOneLineRefusal(CliRunner.Run("sample", P("h.dpsynth"), "--rows", "10", "-o", P("x.csv")), "h.dpsynth");

        AssertOneLineRefusal(CliRunner.Run("sample", model, "--rows", "10", "--shard", "2/2", "-o", P("x.csv")), "shard");
        AssertOneLineRefusal(CliRunner.Run("sample", model, "--rows", "0", "-o", P("x.csv")), "rows");
        AssertOneLineRefusal(CliRunner.Run("sample", model, "--rows", "10", "-o", P("x.xlsx")), ".xlsx");
        Assert.False(File.Exists(P("x.csv")));
        Assert.False(File.Exists(P("x.xlsx")));
    }

    [Theory]
    [InlineData("fit")]
    [InlineData("sample")]
    [InlineData("evaluate")]
    public void HelpShowsAnExample(string command)
    {
        var r = CliRunner.Run(command, "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains($"dpsynth {command} ", r.Out);
    }
}
