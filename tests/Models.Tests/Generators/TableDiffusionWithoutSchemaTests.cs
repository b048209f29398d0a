using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators;

/// <summary>
/// Fitting without a schema (the first thing a new user tries): the schema is inferred with DP on
/// the fit's own ledger, every column survives, and samples look like the source.
/// </summary>
public sealed class TableDiffusionWithoutSchemaTests
{
    [Fact]
    public void FittingWithoutASchemaLedgersTheInferenceAndKeepsEveryColumn()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: 4000, Centres: 4, Seed: 3));
        var text = new StringWriter();
        CsvTableWriter.Write(sim.Generate(), text);
        var untyped = CsvTableReader.Read(new StringReader(text.ToString()), "clinic.csv", null);
        using var backend = new SimdBackend();
        var model = TableDiffusionFitter.Fit(untyped, null, new TableDiffusionFitRequest
        {
            Epsilon = 4,
            Delta = 1e-5,
            Seed = 4,
            Options = TableDiffusionOptions.Default with { Epochs = 1 },
        }, backend);

        var names = untyped.Columns.Select(c => c.Name).ToArray();
        Assert.Equal(names, model.Schema.Columns.Select(c => c.Name));
        Assert.Equal(names, model.Encoder.Columns.Select(c => c.Name));
        var stages = model.Ledger!.Stages.Select(s => s.Name).ToList();
        Assert.All(names, n => Assert.Contains($"schema of column {n}", stages));
        Assert.True(model.Ledger.TotalEpsilon <= 4);
        Assert.Equal(stages.Count, stages.Distinct().Count());

        var s = model.Schema;
        Assert.Equal((ColumnKind.Continuous, (int?)1), (s.Find("age")!.Kind, s.Find("age")!.Precision));
        Assert.Equal(ColumnKind.Integer, s.Find("visits")!.Kind);
        Assert.Equal(ColumnKind.Boolean, s.Find("smoker")!.Kind);
        Assert.Equal(ColumnKind.Categorical, s.Find("centre")!.Kind);
        Assert.All(s.Columns, c => Assert.False(c.Missing)); // no missing cells: the DP counts dropped every missing slot

        var sample = model.Sample(new SampleRequest(500, Seed: 1), backend).Single();
        Assert.Equal(names, sample.Columns.Select(c => c.Name));
        var ages = ((NumericColumn)sample.Find("age")!).Values.ToArray();
        Assert.All(ages, a => Assert.Equal(Math.Round(a, 1), a));
        Assert.All(ages, a => Assert.InRange(a, 18, 95));
        Assert.Contains(ages, a => a != Math.Round(a));
        Assert.All(Enumerable.Range(0, 500), r => Assert.Contains(((CategoricalColumn)sample.Find("smoker")!).ValueAt(r), new[] { "false", "true" }));

        // Through the registry: a null schema is inferred by generators that can, and refused by the others before any value is read.
        var registryModel = GeneratorRegistry.Get("tablediffusion").Fit(untyped, null,
            new FitRequest { Epsilon = 4, Delta = 1e-5, Seed = 4, Settings = GeneratorSettings.Parse(["epochs=1"]) }, backend);
        Assert.Equal(names, registryModel.Schema.Columns.Select(c => c.Name));
        var dpvi = GeneratorRegistry.Get("dpvi");
        Assert.False(dpvi.InfersSchemaWithDp);
        Assert.Contains("needs a schema", Assert.Throws<ArgumentException>(() => dpvi.Fit(untyped, null, new FitRequest { Epsilon = 4, Delta = 1e-5 }, null)).Message);

        // The saved schema is valid JSON a user could pass back with --schema.
        Assert.Equal(TableSchemaJson.ToJson(s), TableSchemaJson.ToJson(TableSchemaJson.Parse(TableSchemaJson.ToJson(s), "m")));
    }
}
