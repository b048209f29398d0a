using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Simulation;

public sealed class ClinicSimulatorTests
{
    [Fact]
    public void SameSeedSameTableOtherSeedOtherTable()
    {
        var a = Csv(new ClinicSimulator(new ClinicSimulatorOptions(2000, 16, 7)).Generate());
        var b = Csv(new ClinicSimulator(new ClinicSimulatorOptions(2000, 16, 7)).Generate());
        var c = Csv(new ClinicSimulator(new ClinicSimulatorOptions(2000, 16, 8)).Generate());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void DefaultTableHasTheDocumentedShape()
    {
        var sim = new ClinicSimulator();
        var t = sim.Generate();
        Assert.Equal(20_000, t.RowCount);
        Assert.Equal(16, sim.CentreSizes.Count);
        Assert.Equal(20_000, sim.CentreSizes.Sum());
        var sizes = sim.CentreSizes.Order().ToArray();
        Assert.True(sizes[^1] > 5 * sizes[0], $"sizes {string.Join(",", sizes)}");
        Assert.True(sizes.Take(8).Sum() < 0.3 * 20_000, "the smallest half should be small");
        foreach (var name in new[] { "centre", "age", "age_group", "sex", "ethnicity", "deprivation", "education", "bmi", "smoker", "visits", "event" })
            Assert.NotNull(t.Find(name));
        var eth = (CategoricalColumn)t.Find("ethnicity")!;
        var counts = eth.Levels.Select((_, k) => eth.Codes.ToArray().Count(x => x == k)).ToArray();
        Assert.All(counts, n => Assert.True(n > 0));
        Assert.True(counts[^1] < 0.03 * t.RowCount, "the last ethnic group is rare");
        // The schema's public category lists admit every generated value.
        var schema = sim.Schema;
        foreach (var c in t.Columns.OfType<CategoricalColumn>())
            if (schema.Find(c.Name)!.Categories is { } cats) Assert.All(c.Levels, l => Assert.Contains(l, cats.Values));
    }

    [Fact]
    public void CaseMixDiffersBetweenCentres()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(20_000, 16, 3));
        var t = sim.Generate();
        var centre = ((CategoricalColumn)t.Find("centre")!).Codes.ToArray();
        var age = ((NumericColumn)t.Find("age")!).Values.ToArray();
        var means = Enumerable.Range(0, 16).Select(c => age.Where((_, i) => centre[i] == c).Average()).ToArray();
        Assert.True(means.Max() - means.Min() > 5, $"centre mean ages {string.Join(",", means)}");
    }

    [Fact]
    public void OutcomesFollowTheStatedCoefficients()
    {
        var t = new ClinicSimulator(new ClinicSimulatorOptions(20_000, 16, 4)).Generate();
        var model = ClinicSimulator.PoissonModel;
        Assert.Equal("visits ~ age_group + sex + ethnicity + deprivation + smoker", model.Formula);
        // Mean visits by smoking, within the reference cells of everything else, is exp(intercept) vs exp(intercept + b).
        var visits = ((NumericColumn)t.Find("visits")!).Values.ToArray();
        double eta(int r) => model.LinearPredictor(col => ((CategoricalColumn)t.Find(col)!).ValueAt(r)!);
        double observed = visits.Average();
        double expected = Enumerable.Range(0, t.RowCount).Average(r => Math.Exp(eta(r)));
        Assert.InRange(observed / expected, 0.97, 1.03);
        var ev = ((CategoricalColumn)t.Find("event")!).Codes.ToArray();
        var logistic = ClinicSimulator.LogisticModel;
        double expectedRate = Enumerable.Range(0, t.RowCount).Average(r => 1 / (1 + Math.Exp(-logistic.LinearPredictor(col => ((CategoricalColumn)t.Find(col)!).ValueAt(r)!))));
        Assert.InRange(ev.Average() - expectedRate, -0.015, 0.015);
        Assert.Equal("F", logistic.ReferenceLevels["sex"]);
        Assert.Equal(0.7, logistic.Coefficients["smoker[true]"]);
    }

    [Fact]
    public void TableRoundTripsThroughCsvWithItsSchema()
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(500, 16, 5));
        var text = Csv(sim.Generate());
        var back = CsvTableReader.Read(new StringReader(text), "clinic.csv", sim.Schema);
        Assert.Equal(500, back.RowCount);
        Assert.Equal(text, Csv(back));
    }

    private static string Csv(Table t)
    {
        var w = new StringWriter();
        CsvTableWriter.Write(t, w);
        return w.ToString();
    }
}
