using System.Text.Json.Nodes;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Tests.Generators.DpWgan;

/// <summary>DP-WGAN fits: the ledger against the accountant, seeded reproducibility, the model file and sharded sampling.</summary>
public sealed class DpWganModelTests(DpWganModelTests.SmallFit fit) : IDisposable, IClassFixture<DpWganModelTests.SmallFit>
{
    /// <summary>One small seeded fit shared by the tests that only read it.</summary>
    public sealed class SmallFit
    {
        /// <summary>The fitted model.</summary>
        public DpWganModel Model { get; } = Fit(seed: 11);
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-wgan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const int Rows = 1200;

    /// <summary>Min–max numeric encoding keeps every encoder statistic public (the clinic schema declares bounds and categories), so training is the only stage.</summary>
    private static readonly DpWganOptions Options = DpWganOptions.Default with
    {
        NumericEncoding = NumericTransform.MinMax,
        LatentWidth = 8,
        GeneratorHidden = [32],
        CriticHidden = [16],
        ExpectedBatchSize = 256,
        Epochs = 3,
        CriticStepsPerGeneratorStep = 3,
    };

    private static DpWganModel Fit(ulong seed)
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: Rows, Centres: 4, Seed: 3));
        using var backend = new SimdBackend();
        return DpWganFitter.Fit(sim.Generate(), sim.Schema, new DpWganFitRequest { Epsilon = 2, Delta = 1e-5, Seed = seed, Options = Options }, backend);
    }

    [Fact]
    public void LedgerHoldsTheRowCountAndOneTrainingStageWhoseEpsilonIsTheAccountantsForTheCriticSteps()
    {
        var model = fit.Model;
        var ledger = model.Ledger!;
        Assert.Equal(["row count", "training"], ledger.Stages.Select(s => s.Name));
        var stage = ledger.Stages[1];
        Assert.False(model.Summary.RowCountPublic);
        double q = 256.0 / model.Summary.RowCount!.Value; // from the DP count, never the exact one
        long steps = (long)Math.Ceiling(3 / q); // ⌈epochs / q⌉ critic steps, all of them run
        var summary = model.Summary;
        Assert.Equal(steps, summary.Steps); // the critic's private steps
        Assert.Equal((steps + 2) / 3, model.GeneratorSteps); // one per n_critic = 3 critic steps (the last round shorter)
        var cost = Assert.IsType<DpSynth.Privacy.SubsampledGaussianCost>(stage.Cost);
        Assert.Equal((q, steps), (cost.SampleRate, cost.Steps));
        double accountant = NoiseCalibrator.Epsilon(AccountantKind.Pld, q, summary.NoiseMultiplier, steps, 1e-5);
        Assert.Equal(accountant, summary.TrainingEpsilon, 9);
        Assert.True(ledger.TotalEpsilon > accountant, "the row count's cost is composed with training's");
        Assert.InRange(ledger.TotalEpsilon, 1.98, 2); // within the budget, and the budget is used
        Assert.False(summary.SecureRandomness);
    }

    [Fact]
    public void SeededFitIsReproducibleAndTheSeedMatters()
    {
        Assert.Equal(fit.Model.Parameters, Fit(seed: 11).Parameters);
        Assert.NotEqual(fit.Model.Parameters, Fit(seed: 12).Parameters);
    }

    [Fact]
    public void ModelFileRoundTripSamplesTheSameRowsAndShardsConcatenate()
    {
        var model = fit.Model;
        string path = Path.Combine(_dir, "m.dpsynth");
        model.Save(path);
        var loaded = DpWganModel.Load(path);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal(model.Encoder.ToJson(), loaded.Encoder.ToJson());
        Assert.Equal(model.Options.ToJson().ToJsonString(), loaded.Options.ToJson().ToJsonString());
        Assert.Equal(model.Summary.ToJson().ToJsonString(), loaded.Summary.ToJson().ToJsonString());
        Assert.Equal(model.GeneratorSteps, loaded.GeneratorSteps);
        Assert.Equal(model.Ledger!.ToJson(), loaded.Ledger!.ToJson());

        using var backend = new SimdBackend();
        string whole = Csv(model.Sample(new SampleRequest(60, Seed: 9), backend, batchRows: 16));
        Assert.Equal(whole, Csv(loaded.Sample(new SampleRequest(60, Seed: 9), backend, batchRows: 7)));
        string shards = "";
        for (int i = 0; i < 3; i++)
        {
            string part = Csv(loaded.Sample(new SampleRequest(60, 9, i, 3), backend, batchRows: 11));
            shards += i == 0 ? part : part[(part.IndexOf('\n') + 1)..];
        }
        Assert.Equal(whole, shards);
        Assert.NotEqual(whole, Csv(loaded.Sample(new SampleRequest(60, Seed: 10), backend)));
    }

    [Fact]
    public void ManifestHoldsNoExactRowCount()
    {
        string path = Path.Combine(_dir, "n.dpsynth");
        fit.Model.Save(path);
        var manifest = ModelFile.ReadManifest(path);
        string hyper = manifest.HyperParameters.ToJsonString();
        Assert.DoesNotContain(Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), hyper);
        // The count it does store is the DP one (this seed's noise moves it off the exact count).
        Assert.NotEqual(Rows, fit.Model.Summary.RowCount);
        Assert.Contains($"\"rows\":{fit.Model.Summary.RowCount}", hyper);
    }

    [Fact]
    public void OptionsRoundTripThroughJsonAndMissingOrUnknownValuesAreRefused()
    {
        var json = Options.ToJson();
        Assert.Equal(json.ToJsonString(), DpWganOptions.FromJson(json).ToJson().ToJsonString());
        var missing = (JsonObject)json.DeepClone();
        missing.Remove("critic_hidden");
        Assert.Contains("critic_hidden", Assert.Throws<FormatException>(() => DpWganOptions.FromJson(missing)).Message);
        var unknown = (JsonObject)json.DeepClone();
        unknown["sigmoid"] = true;
        Assert.Throws<FormatException>(() => DpWganOptions.FromJson(unknown));
        var invalid = (JsonObject)json.DeepClone();
        invalid["leaky_slope"] = 2;
        Assert.Throws<FormatException>(() => DpWganOptions.FromJson(invalid));
    }

    [Fact]
    public void AModelOfAnotherKindIsRefused()
    {
        string path = Path.Combine(_dir, "td.dpsynth");
        var m = fit.Model;
        new TableDiffusionModel(TableDiffusionOptions.Paper, m.Encoder, m.Schema, [1f, 2f], null).Save(path);
        var e = Assert.Throws<ModelFileException>(() => DpWganModel.Load(path));
        Assert.Contains("'tablediffusion'", e.Message);
    }

    [Fact]
    public void BadRequestsAreRefusedBeforeAnyDataIsRead()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 100, Centres: 2, Seed: 3));
        using var backend = new SimdBackend();
        Assert.Throws<ArgumentException>(() => DpWganFitter.Fit(sim.Generate(), sim.Schema, new DpWganFitRequest { Epsilon = 0, Delta = 1e-5 }, backend));
        Assert.Throws<ArgumentException>(() => DpWganFitter.Fit(sim.Generate(), sim.Schema, new DpWganFitRequest { Epsilon = 1, Delta = 1 }, backend));
        Assert.Throws<ArgumentException>(() => DpWganFitter.Fit(sim.Generate(), sim.Schema,
            new DpWganFitRequest { Epsilon = 1, Delta = 1e-5, Options = Options with { LeakySlope = 1.5f } }, backend));
    }

    private static string Csv(IEnumerable<Table> batches) => TableDiffusionTests.Csv(batches);
}
