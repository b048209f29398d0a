using DpSynth.Models.Generators;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators;

/// <summary>TableDiffusion: schedule, forward process, fit within budget, model file round trip, sharded sampling.</summary>
public sealed class TableDiffusionTests(TableDiffusionTests.SmallFit fit) : IDisposable, IClassFixture<TableDiffusionTests.SmallFit>
{
    /// <summary>One small seeded fit shared by the tests that only read it.</summary>
    public sealed class SmallFit
    {
        /// <summary>The fitted model.</summary>
        public TableDiffusionModel Model { get; } = FitSmall();
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-diffusion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PaperScheduleMatchesTheFormula()
    {
        var betas = TableDiffusionOptions.NoiseSchedule(3);
        Assert.Equal(0.1, betas[0], 12);
        Assert.Equal(0.35, betas[1], 12);
        Assert.Equal(0.85, betas[2], 12);
    }

    [Fact]
    public void ForwardProcessAddsScaledTargetNoiseToEveryCopy()
    {
        float[] rows = [1, 2, 3, 4, 5, 6];
        var betas = TableDiffusionOptions.NoiseSchedule(3);
        var source = new DiffusionBatchSource(rows, 2, 3, betas, NoiseKey.FromSeed(5));
        Assert.Equal(3, source.RowsPerRecord);
        var inputs = new float[2 * 3 * 3];
        var targets = new float[inputs.Length];
        source.Fill([1, 0], inputs, targets, step: 4);
        for (int i = 0; i < 2; i++)
            for (int t = 0; t < 3; t++)
                for (int j = 0; j < 3; j++)
                {
                    int k = (i * 3 + t) * 3 + j;
                    float x0 = rows[(i == 0 ? 1 : 0) * 3 + j];
                    Assert.Equal(x0 + (float)Math.Sqrt(betas[t]) * targets[k], inputs[k], 5);
                }
        // Another step draws other noise for the same record.
        var again = new float[targets.Length];
        source.Fill([1, 0], inputs, again, step: 5);
        Assert.NotEqual(targets, again);
    }

    private static (Table Table, TableSchema Schema) Clinic(int rows = 1500)
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: rows, Centres: 4, Seed: 3));
        return (sim.Generate(), sim.Schema);
    }

    private static TableDiffusionModel FitSmall(ulong seed = 11)
    {
        var (table, schema) = Clinic();
        using var backend = new SimdBackend();
        return TableDiffusionFitter.Fit(table, schema, new TableDiffusionFitRequest
        {
            Epsilon = 2,
            Delta = 1e-5,
            Seed = seed,
            Options = TableDiffusionOptions.Paper with { Epochs = 1, Hidden = [16, 16] },
        }, backend);
    }

    [Fact]
    public void FitStaysWithinTheBudgetAndRecordsEveryStage()
    {
        var model = fit.Model;
        Assert.NotNull(model.Ledger);
        Assert.InRange(model.Ledger!.TotalEpsilon, 1.9, 2); // within the budget, and the slack of composition is used
        Assert.Equal("training", model.Ledger.Stages[^1].Name);
        Assert.True(model.Ledger.Stages.Count > 1); // the quantile grids were paid for
        Assert.Equal(2L, model.Summary.Steps); // ⌈1 epoch / q⌉ with q = 1024/1500
    }

    [Fact]
    public void ModelFileRoundTripSamplesTheSameRowsAndShardsConcatenate()
    {
        var model = fit.Model;
        string path = Path.Combine(_dir, "m.dpsynth");
        model.Save(path);
        var loaded = TableDiffusionModel.Load(path);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal(model.Encoder.ToJson(), loaded.Encoder.ToJson());

        using var backend = new SimdBackend();
        string whole = Csv(model.Sample(new SampleRequest(50, Seed: 9), backend, batchRows: 16));
        Assert.Equal(whole, Csv(loaded.Sample(new SampleRequest(50, Seed: 9), backend, batchRows: 7)));
        string shard0 = Csv(loaded.Sample(new SampleRequest(50, 9, 0, 2), backend));
        string shard1 = Csv(loaded.Sample(new SampleRequest(50, 9, 1, 2), backend));
        Assert.Equal(whole, shard0 + shard1[(shard1.IndexOf('\n') + 1)..]);
        Assert.NotEqual(whole, Csv(loaded.Sample(new SampleRequest(50, Seed: 10), backend)));
    }

    [Fact]
    public void TamperedModelFileIsRefused()
    {
        var model = fit.Model;
        string path = Path.Combine(_dir, "t.dpsynth");
        model.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[100] ^= 0x5A; // inside the first (stored) weight blob
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFileException>(() => TableDiffusionModel.Load(path));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void BadRequestsAreRefused()
    {
        var (table, schema) = Clinic(200);
        using var backend = new SimdBackend();
        Assert.Throws<ArgumentException>(() => TableDiffusionFitter.Fit(table, schema, new TableDiffusionFitRequest { Epsilon = 0, Delta = 1e-5 }, backend));
        Assert.Throws<ArgumentException>(() => TableDiffusionFitter.Fit(table, schema, new TableDiffusionFitRequest { Epsilon = 1, Delta = 1 }, backend));
        Assert.Throws<ArgumentException>(() => new SampleRequest(10, null, 2, 2).Validate());
        Assert.Throws<ArgumentException>(() => new SampleRequest(0).Validate());
    }

    private static string Csv(IEnumerable<Table> batches)
    {
        var writer = new StringWriter();
        bool first = true;
        foreach (var b in batches)
        {
            var part = new StringWriter();
            CsvTableWriter.Write(b, part);
            string text = part.ToString();
            writer.Write(first ? text : text[(text.IndexOf('\n') + 1)..]);
            first = false;
        }
        return writer.ToString();
    }
}
