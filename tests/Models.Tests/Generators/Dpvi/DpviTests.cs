using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Tests.Generators.Dpvi;

/// <summary>DPVI fits, the ledger, model files, sampling of copies and refusals.</summary>
public class DpviTests
{
    // One private fit shared by the tests that only read a model (each fit calibrates σ, which takes a while).
    private static readonly Lazy<DpviModel> Shared = new(() => PrivateFit());

    private static DpviModel PrivateFit(int rows = 600, ulong seed = 3) =>
        DpviFitter.Fit(DpviTestData.Table(rows, 1), DpviTestData.Schema(), new DpviFitRequest
        {
            Epsilon = 1, Delta = 1e-6, Seed = seed, Options = DpviOptions.Default with { Components = 4, Epochs = 5, ExpectedBatchSize = 100 },
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ANonPrivateFitRecoversTheRegressionCoefficients(bool logistic)
    {
        var table = DpviTestData.Table(4000, 21, logistic);
        var model = DpviFitter.Fit(table, DpviTestData.Schema(logistic), new DpviFitRequest
        {
            Epsilon = 1, Delta = 1e-6, Seed = 4, NonPrivate = true,
            Options = DpviOptions.Default with { Components = 4, Epochs = 30, ExpectedBatchSize = 200, LearningRate = 0.02 },
        });
        var truth = logistic ? DpviTestData.LogisticTruth : DpviTestData.PoissonTruth;
        int co = model.Layout.CoefficientOffset;
        Assert.Equal(truth.Length, model.Layout.Features);
        for (int j = 0; j < truth.Length; j++)
            Assert.True(Math.Abs(model.Mean[co + j] - truth[j]) < (logistic ? 0.3 : 0.15), $"coefficient {j}: {model.Mean[co + j]} vs {truth[j]}");
        // The mixture captures the covariates' dependence: b is far more often true with old ages in the twin too.
        var twin = model.SampleCopy(4000, 0, 9);
        var age = ((NumericColumn)twin.Find("age")!).Values;
        var b = ((CategoricalColumn)twin.Find("b")!).Codes;
        double oldTrue = 0, old = 0, youngTrue = 0, young = 0;
        for (int i = 0; i < twin.RowCount; i++)
            if (age[i] > 50) { old++; oldTrue += b[i]; } else { young++; youngTrue += b[i]; }
        Assert.True(oldTrue / old > youngTrue / young + 0.3, $"P(b | old) = {oldTrue / old}, P(b | young) = {youngTrue / young}");
    }

    [Fact]
    public void APrivateFitSpendsOneCalibratedTrainingStage()
    {
        var model = Shared.Value;
        var ledger = model.Ledger!;
        var stage = Assert.Single(ledger.Stages);
        Assert.Equal("training", stage.Name);
        double q = 100.0 / 600, sigma = stage.Parameters!["noise_multiplier"];
        long steps = (long)Math.Ceiling(5 / q);
        Assert.Equal(q, stage.Parameters["sample_rate"], 12);
        Assert.Equal(steps, stage.Parameters["steps"]);
        Assert.Equal(NoiseCalibrator.NoiseMultiplier(AccountantKind.Pld, q, steps, 1, 1e-6), sigma, 6);
        Assert.InRange(ledger.TotalEpsilon, 0.95, 1.0);
        Assert.Equal(1e-6, ledger.Budget.Delta);
        Assert.Equal(Privacy.Randomness.RandomnessKind.UserSeed, ledger.Randomness.Kind);
        Assert.Equal(sigma, model.Summary.NoiseMultiplier, 12);
    }

    [Fact]
    public void AStepCapIsWhatTheNoiseIsCalibratedForAndTheTailIsAveraged()
    {
        var options = DpviOptions.Default with { Components = 4, Epochs = 50, ExpectedBatchSize = 100, MaxSteps = 40, AveragedFraction = 0.25 };
        var model = DpviFitter.Fit(DpviTestData.Table(600, 1), DpviTestData.Schema(), new DpviFitRequest { Epsilon = 1, Delta = 1e-6, Seed = 3, Options = options });
        var stage = Assert.Single(model.Ledger!.Stages);
        Assert.Equal(40, stage.Parameters["steps"]); // ⌈50 / (100/600)⌉ = 300 steps, capped
        double q = 100.0 / 600;
        Assert.Equal(NoiseCalibrator.NoiseMultiplier(AccountantKind.Pld, q, 40, 1, 1e-6), stage.Parameters["noise_multiplier"], 6);
        Assert.Equal(10, model.AveragedIterates); // the last quarter of 40 steps
        // Averaging changes the released posterior; the last iterate alone is a different model.
        var last = DpviFitter.Fit(DpviTestData.Table(600, 1), DpviTestData.Schema(), new DpviFitRequest { Epsilon = 1, Delta = 1e-6, Seed = 3, Options = options with { AveragedFraction = 0 } });
        Assert.Equal(1, last.AveragedIterates); // fraction 0: the last iterate alone
        Assert.NotEqual(model.Mean, last.Mean);

        Assert.Same(DpviOptions.LogisticDefault, DpviOptions.DefaultFor(DpviOutcomeFamily.Logistic));
        Assert.Same(DpviOptions.Default, DpviOptions.DefaultFor(DpviOutcomeFamily.Poisson));
        Assert.Throws<ArgumentException>(() => (DpviOptions.Default with { MaxSteps = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (DpviOptions.Default with { AveragedFraction = 1 }).Validate());
    }

    [Fact]
    public void TheSameSeedReproducesTheFit()
    {
        Assert.Equal(Shared.Value.Mean, PrivateFit().Mean);
        Assert.NotEqual(Shared.Value.Mean, PrivateFit(seed: 4).Mean);
    }

    [Fact]
    public void EachCopyHasItsOwnPosteriorDrawAndTheSeedReproducesIt()
    {
        var model = Shared.Value;
        var key = Kernels.Random.NoiseKey.FromSeed(8);
        Assert.NotEqual(model.PosteriorDraw(0, key), model.PosteriorDraw(1, key));
        Assert.Equal(model.PosteriorDraw(1, key), model.PosteriorDraw(1, Kernels.Random.NoiseKey.FromSeed(8)));

        var first = model.SampleCopy(300, 0, 8);
        var second = model.SampleCopy(300, 1, 8);
        Assert.Equal(["a", "b", "age", "y"], first.Columns.Select(c => c.Name));
        Assert.Equal(300, first.RowCount);
        Assert.NotEqual(Rows(first), Rows(second));
        Assert.Equal(Rows(second), Rows(model.SampleCopy(300, 1, 8)));
        Assert.NotEqual(Rows(first), Rows(model.SampleCopy(300, 0, null))); // CSPRNG
        // Samples respect the public schema.
        Assert.All(((NumericColumn)first.Find("age")!).Values.ToArray(), v => Assert.InRange(v, 0, 100));
        Assert.All(((NumericColumn)first.Find("y")!).Values.ToArray(), v => Assert.True(v >= 0 && v <= 200 && v == Math.Floor(v)));
    }

    private static string[] Rows(Table t) => Enumerable.Range(0, t.RowCount).Select(i => string.Join(",", t.Columns.Select(c => c switch
    {
        NumericColumn n => n.Values[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        CategoricalColumn k => k.ValueAt(i) ?? "",
        _ => "?",
    }))).ToArray();

    [Fact]
    public void TheModelFileRoundTripsAndATamperedFileIsRefused()
    {
        var model = Shared.Value;
        string dir = Directory.CreateTempSubdirectory("dpvi-model-").FullName;
        try
        {
            string path = Path.Combine(dir, "m.dpsynth");
            model.Save(path);
            var loaded = DpviModel.Load(path);
            Assert.Equal(model.Mean, loaded.Mean);
            Assert.Equal(model.Rho, loaded.Rho);
            Assert.Equal(model.Layout.ParameterCount, loaded.Layout.ParameterCount);
            Assert.Equal("y", loaded.Layout.Outcome!.Name);
            Assert.Equal(DpviOutcomeFamily.Poisson, loaded.Layout.Outcome.Family);
            Assert.Equal(model.Ledger!.TotalEpsilon, loaded.Ledger!.TotalEpsilon, 12);
            Assert.Equal(Rows(model.SampleCopy(50, 2, 1)), Rows(loaded.SampleCopy(50, 2, 1)));

            // Flip one byte inside the stored (uncompressed) weight blob: the checksum must catch it.
            var bytes = File.ReadAllBytes(path);
            int at = IndexOf(bytes, System.Text.Encoding.ASCII.GetBytes("tensors/0000.f32"));
            Assert.True(at > 0);
            bytes[at + 16 + 40] ^= 0x55;
            string tampered = Path.Combine(dir, "t.dpsynth");
            File.WriteAllBytes(tampered, bytes);
            var e = Assert.Throws<ModelFileException>(() => DpviModel.Load(tampered));
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    [Fact]
    public void AColumnWithoutAPublicCategorySetOrBoundsIsRefused()
    {
        var request = new DpviFitRequest { Epsilon = 1, Delta = 1e-6, Seed = 1, SchemaFile = "s.json" };
        var e = Assert.Throws<ArgumentException>(() => DpviFitter.Fit(DpviTestData.Table(50, 1), DpviTestData.Schema(publicCategories: false), request));
        Assert.Contains("\"a\"", e.Message);
        Assert.Contains("public category", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        var noBounds = new TableSchema(DpviTestData.Schema().Columns.Select(c => c.Name == "age" ? c with { Bounds = null } : c).ToArray());
        e = Assert.Throws<ArgumentException>(() => DpviFitter.Fit(DpviTestData.Table(50, 1), noBounds, request));
        Assert.Contains("\"age\"", e.Message);
        Assert.Contains("public bounds", e.Message);

        e = Assert.Throws<ArgumentException>(() => DpviFitter.Fit(DpviTestData.Table(50, 1), DpviTestData.Schema(), request with { Outcome = "b", Family = DpviOutcomeFamily.Poisson }));
        Assert.Contains("\"b\"", e.Message);
    }

    [Fact]
    public void AMissingCategoryIsItsOwnLevelAndIsWrittenAsMissing()
    {
        var table = DpviTestData.Table(300, 2);
        var a = (CategoricalColumn)table.Find("a")!;
        var codes = a.Codes.ToArray();
        for (int i = 0; i < codes.Length; i += 3) codes[i] = -1;
        var withMissing = new Table("m.csv", table.Columns.Select(c => c.Name == "a" ? new CategoricalColumn("a", ColumnKind.Categorical, codes, codes.Length, a.Levels) : c).ToArray());
        var schema = DpviTestData.Schema(missingA: true);
        var model = DpviFitter.Fit(withMissing, schema, new DpviFitRequest
        {
            Epsilon = 1, Delta = 1e-6, Seed = 2, NonPrivate = true, Options = DpviOptions.Default with { Components = 2, Epochs = 20, ExpectedBatchSize = 50 },
        });
        Assert.Equal(4, model.Layout.Covariates[0].LevelCount);
        var twin = (CategoricalColumn)model.SampleCopy(600, 0, 1).Find("a")!;
        Assert.InRange(twin.MissingCount(), 100, 300);

        // Without a declared missing value, a missing cell is refused naming the column and row.
        var e = Assert.Throws<TableFormatException>(() => DpviFitter.Fit(withMissing, DpviTestData.Schema(), new DpviFitRequest { Epsilon = 1, Delta = 1e-6, Seed = 1 }));
        Assert.Equal("a", e.Column);
        Assert.Equal(2, e.Row);
    }
}
