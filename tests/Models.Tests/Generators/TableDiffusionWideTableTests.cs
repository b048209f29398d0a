using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Nn;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Tests.Generators;

/// <summary>
/// Wide tables (issue #13): the denoiser and the fit's memory grow linearly in the columns, sizes
/// beyond one parameter vector are refused instead of wrapping around, a fit that cannot fit is
/// refused with its estimate, and preprocessing reports progress.
/// </summary>
public sealed class TableDiffusionWideTableTests
{
    /// <summary>Columns alternate: a numeric column in [0, 10] with a missing marker, and a categorical with 3..7 public levels.</summary>
    private static (Table Table, TableSchema Schema) Wide(int columns, int rows, int seed = 1)
    {
        var random = new Random(seed);
        var data = new List<TableColumn>();
        var schema = new List<ColumnSchema>();
        for (int c = 0; c < columns; c++)
        {
            string name = $"c{c}";
            if (c % 2 == 0)
            {
                var values = new double[rows];
                for (int r = 0; r < rows; r++) values[r] = random.Next(10) == 0 ? double.NaN : random.NextDouble() * 10;
                data.Add(new NumericColumn(name, ColumnKind.Continuous, values, rows));
                schema.Add(new ColumnSchema(name, ColumnKind.Continuous, Missing: true, Bounds: new DeclaredBounds(0, 10, Public: true)));
            }
            else
            {
                string[] levels = Enumerable.Range(0, 3 + c % 5).Select(l => $"L{l}").ToArray();
                var codes = new int[rows];
                for (int r = 0; r < rows; r++) codes[r] = random.Next(levels.Length);
                data.Add(new CategoricalColumn(name, ColumnKind.Categorical, codes, rows, levels));
                schema.Add(new ColumnSchema(name, ColumnKind.Categorical, Categories: new DeclaredCategories(levels, Public: true)));
            }
        }
        return (new Table("wide.csv", data), new TableSchema(schema));
    }

    private static TableEncoder PublicEncoder(Table table, TableSchema schema) =>
        TableEncoder.Fit(table, schema, new EncoderFitOptions { Numeric = NumericTransform.MinMax });

    private static long DenoiserParameters(int width, TableDiffusionOptions options)
    {
        using var scalar = new ReferenceBackend();
        return Network.DeclaredParameterLength(scalar, TableDiffusionModel.Denoiser(width, options)) ?? long.MaxValue;
    }

    [Fact]
    public void DenoiserParametersGrowLinearlyWithTheEncodedWidth()
    {
        foreach (var options in new[] { TableDiffusionOptions.Default, TableDiffusionOptions.Paper })
            foreach (int width in new[] { 2_000, 8_000 })
            {
                long once = DenoiserParameters(width, options), twice = DenoiserParameters(2 * width, options);
                Assert.True(twice <= 2.05 * once, $"{options.Preset}: {once} parameters at width {width}, {twice} at {2 * width}");
            }
    }

    [Fact]
    public void NarrowTablesKeepThePublishedDenoiser()
    {
        // Adult encodes to 179 columns: no projection, the residual-concat blocks read the row itself.
        var layers = TableDiffusionModel.Denoiser(179, TableDiffusionOptions.Default);
        Assert.IsType<ResidualConcat>(layers[0]);
        Assert.Equal(179 + 10, layers[0].InputWidth);
        Assert.Equal(3, layers.Length);
        // Model files from before the projection existed read as "never project", whatever the width.
        var old = TableDiffusionOptions.FromJson(TableDiffusionOptions.Default.ToJson().Also(o => o.Remove("projection_width")));
        Assert.IsType<ResidualConcat>(TableDiffusionModel.Denoiser(5_000, old)[0]);
        Assert.IsType<Linear>(TableDiffusionModel.Denoiser(5_000, TableDiffusionOptions.Default)[0]);
    }

    [Fact]
    public void MemoryEstimateGrowsLinearlyWithTheColumns()
    {
        TableDiffusionMemory Estimate(int columns)
        {
            var (table, schema) = Wide(columns, 20);
            var encoder = PublicEncoder(table, schema);
            return TableDiffusionMemory.Estimate(table, encoder, TableDiffusionOptions.Default, publicRows: 10_000, capacityExamples: 4_500, workers: 2);
        }
        TableDiffusionMemory small = Estimate(600), large = Estimate(1_200);
        Assert.True(large.ParameterBytes <= 2.05 * small.ParameterBytes, $"parameters {small.ParameterBytes} → {large.ParameterBytes}");
        Assert.True(large.DataBytes <= 2.05 * small.DataBytes, $"data {small.DataBytes} → {large.DataBytes}");
        Assert.True(large.BatchBytes <= TableDiffusionMemory.BatchBudgetBytes * 1.01, $"batch buffers {large.BatchBytes}");
        Assert.InRange(large.ChunkExamples, 1, 4_499); // the batch no longer fits at once: it runs in chunks
    }

    [Fact]
    public void AGpuBackendGetsLargerChunksThanTheCpu()
    {
        using var simd = Kernels.BackendFactory.Create("simd");
        using var gpu = Kernels.BackendFactory.Create("ilgpu-cpu"); // the GPU backend's class: one caller at a time
        Assert.Equal(TableDiffusionMemory.BatchBudgetBytes, TableDiffusionMemory.BatchBudgetFor(simd));
        Assert.Equal(TableDiffusionMemory.DeviceBatchBudgetBytes, TableDiffusionMemory.BatchBudgetFor(gpu));
        var (table, schema) = Wide(300, 20);
        var encoder = PublicEncoder(table, schema);
        TableDiffusionMemory For(long budget) => TableDiffusionMemory.Estimate(table, encoder, TableDiffusionOptions.Default,
            publicRows: 10_000, capacityExamples: 4_500, workers: 2, batchBudgetBytes: budget);
        var cpu = For(TableDiffusionMemory.BatchBudgetBytes);
        var device = For(TableDiffusionMemory.DeviceBatchBudgetBytes);
        Assert.True(device.ChunkExamples > cpu.ChunkExamples, $"chunks of {cpu.ChunkExamples} (cpu) and {device.ChunkExamples} (gpu) examples");
        Assert.True(cpu.BatchBytes <= TableDiffusionMemory.BatchBudgetBytes * 1.01, $"cpu batch buffers {cpu.BatchBytes}");
    }

    [Fact]
    public void ParametersBeyondOneVectorAreRefusedNotWrappedAround()
    {
        using var parameters = new ParameterSet();
        // 50,000² floats wrap around in int arithmetic to a small positive length.
        var e = Assert.Throws<OverflowException>(() => parameters.Add("huge", 50_000, 50_000));
        Assert.Contains("huge", e.Message);
        Assert.Equal(0, parameters.Length);
        // A denoiser without the projection over 90,000 encoded columns is refused as a whole.
        Assert.Equal(long.MaxValue, DenoiserParameters(90_000, TableDiffusionOptions.Default with { ProjectionWidth = 0 }));
    }

    [Fact]
    public void RowsBeyondOneArrayAreRefusedNotWrappedAround()
    {
        var (table, schema) = Wide(8, 20);
        var encoder = PublicEncoder(table, schema);
        // 8 spans × 300 million rows index past one int-indexed array.
        var e = Assert.Throws<FitTooLargeException>(() =>
            TableDiffusionMemory.Estimate(table, encoder, TableDiffusionOptions.Default, publicRows: 300_000_000, capacityExamples: 4_500, workers: 2));
        Assert.Contains("fewer rows", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AFitThatCannotFitIsRefusedWithItsEstimateBeforeTraining()
    {
        var (table, schema) = Wide(60, 200);
        var reports = new List<TrainingProgress>();
        using var backend = new SimdBackend();
        var e = Assert.Throws<FitTooLargeException>(() => TableDiffusionFitter.Fit(table, schema, new TableDiffusionFitRequest
        {
            Epsilon = 1,
            Delta = 1e-5,
            Seed = 3,
            Options = TableDiffusionOptions.Default,
            MemoryLimitBytes = 64L << 20,
        }, backend, new Collect(reports)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("wide.csv: this TableDiffusion fit needs about ", e.Message);
        Assert.Contains("64 MB of memory is available", e.Message);
        Assert.Contains("fewer", e.Message);
        Assert.DoesNotContain(reports, r => r.Stage is null); // no training step ran
    }

    [Fact]
    public void CompactEncodingRebuildsTheDenseRows()
    {
        var (table, schema) = Wide(9, 57);
        var encoder = PublicEncoder(table, schema);
        var dense = encoder.Encode(table);
        var compact = CompactEncodedTable.Encode(encoder, table);
        Assert.Equal(dense.Width, compact.Width);
        Assert.Equal(dense.Rows, compact.Rows);
        var row = new float[compact.Width];
        for (int r = 0; r < dense.Rows; r++)
        {
            compact.CopyRow(r, row);
            Assert.Equal(dense.Row(r).ToArray(), row);
        }
        Assert.True(CompactEncodedTable.BytesPerRow(encoder.SoftmaxSpans, encoder.Width) < 4L * encoder.Width);
    }

    [Fact]
    public void PreprocessingReportsProgressBeforeTraining()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 300, Centres: 2, Seed: 3));
        var reports = new List<TrainingProgress>();
        using var backend = new SimdBackend();
        TableDiffusionFitter.Fit(sim.Generate(), sim.Schema, new TableDiffusionFitRequest
        {
            Epsilon = 2,
            Delta = 1e-5,
            Seed = 4,
            Options = TableDiffusionOptions.Paper with { Epochs = 1, Hidden = [8] },
        }, backend, new Collect(reports));
        int firstStep = reports.FindIndex(r => r.Stage is null);
        Assert.True(firstStep > 0, "training reported before any preprocessing");
        var encoding = reports.Take(firstStep).Where(r => r.Stage == "encoding: column").ToList();
        Assert.NotEmpty(encoding);
        Assert.Equal(encoding[^1].TotalSteps, encoding[^1].Step); // the stage ran to its end
        Assert.Contains(reports.Take(firstStep), r => r.Stage == "fitting the encoder: column");
        Assert.All(reports.Take(firstStep), r => Assert.True(r.Epsilon <= 2));
    }

    /// <summary>Collects reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class Collect(List<TrainingProgress> into) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => into.Add(value);
    }
}

internal static class JsonObjectExtensions
{
    /// <summary>Applies <paramref name="change"/> and returns the object, for one-line edits in tests.</summary>
    public static System.Text.Json.Nodes.JsonObject Also(this System.Text.Json.Nodes.JsonObject o, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        change(o);
        return o;
    }
}
