using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using static DpSynth.Models.Tests.Twins.TwinTables;

namespace DpSynth.Models.Tests.Twins;

public class TwinAnalysisTests
{
    private static readonly double[] Truth = [-0.5, 0.6, -0.4, 0.8];

    [Fact]
    public void CombinesCopyMOfEveryTwinWithTheLocalDataAndPools()
    {
        var local = Simulated("local.csv", 300, seed: 1, poisson: false, Truth);
        // Party k's copy m has 200 + 10·m rows, so each combined fit's size shows which copies joined.
        var twins = Enumerable.Range(0, 3).Select(k =>
            (IReadOnlyList<Table>)Enumerable.Range(0, 4)
                .Select(m => Simulated($"twin_{k}_{m}.csv", 200 + 10 * m, seed: 100 * k + m + 7, poisson: false, Truth))
                .ToArray()).ToArray();
        var result = TwinAnalysis.LocalPlusTwins(local, twins, Formula.Parse("y ~ group + x"), GlmFamily.Logistic);

        Assert.Equal(4, result.CombinedFits.Count);
        for (int m = 0; m < 4; m++) Assert.Equal(300 + 3 * (200 + 10 * m), result.CombinedFits[m].Rows);
        Assert.NotNull(result.LocalFit);
        Assert.Null(result.LocalFitError);
        Assert.Equal(300, result.LocalFit!.Rows);
        Assert.Equal(4, result.Pooled.Datasets);

        for (int j = 0; j < 4; j++)
        {
            double mean = result.CombinedFits.Average(f => f.Coefficients[j]);
            var c = result.Pooled.Coefficients[j];
            Assert.Equal(mean, c.Estimate, 12);
            var u = result.CombinedFits.Average(f => f.Variances()[j]);
            Assert.Equal(u, c.MeanWithinVariance, 12);
        }
        // Same reference everywhere: the local data's most frequent group (A).
        Assert.Equal(result.Pooled.Layout.CoefficientNames, result.LocalFit.Names);
    }

    [Fact]
    public void TwinWithADifferentSchemaIsRefusedInOneLine()
    {
        var local = Simulated("local.csv", 100, seed: 1, poisson: false, Truth);
        var good = Simulated("twin_a.csv", 100, seed: 2, poisson: false, Truth);
        var renamed = Table("twin_b.csv", Categorical("grp", "A"), Numeric("x", 0), Numeric("log_t", 0), Numeric("y", 1));
        var e = Assert.Throws<TableFormatException>(() =>
            TwinAnalysis.LocalPlusTwins(local, [[good, renamed]], Formula.Parse("y ~ group + x"), GlmFamily.Logistic));
        Assert.Equal("twin_b.csv:-:group: expected a column \"group\" (named in formula \"y ~ group + x\"), but the table has no such column", e.Message);
    }

    [Fact]
    public void CopyCountsMustAgreeAcrossParties()
    {
        var t = Simulated("t.csv", 50, seed: 1, poisson: false, Truth);
        Assert.Throws<ArgumentException>(() =>
            TwinAnalysis.LocalPlusTwins(t, [[t, t], [t, t, t]], Formula.Parse("y ~ x"), GlmFamily.Logistic));
        Assert.Throws<ArgumentException>(() =>
            TwinAnalysis.LocalPlusTwins(t, [[t]], Formula.Parse("y ~ x"), GlmFamily.Logistic));
    }

    [Fact]
    public void LocalFitFailureIsReportedBesideThePooledResult()
    {
        // The local data is separated on its own; the twins break the separation.
        var local = Table("local.csv", Numeric("x", 1, 2, 3, 4, 5, 6), Numeric("y", 0, 0, 0, 1, 1, 1));
        var twins = Enumerable.Range(0, 2).Select(m => (Table)Simulated($"twin_{m}.csv", 200, seed: 30 + m, poisson: false, Truth)).ToArray();
        var result = TwinAnalysis.LocalPlusTwins(local, [twins], Formula.Parse("y ~ x"), GlmFamily.Logistic);
        Assert.Null(result.LocalFit);
        Assert.Contains("separated", result.LocalFitError);
        Assert.Equal(2, result.CombinedFits.Count);
    }

    [Fact]
    public void MeanTestLogLikelihoodMatchesHandComputation()
    {
        var train = Table("train.csv", Numeric("y", 1, 0, 1, 0));
        var fit = GlmFitter.Fit(DesignLayout.Create(Formula.Parse("y ~ 1"), [train]).Build(train), GlmFamily.Logistic);
        Assert.Equal(0, fit.Coefficient("(Intercept)"), 12);
        var test = Table("test.csv", Numeric("y", 1, 1, 0));
        Assert.Equal(-Math.Log(2), fit.MeanLogLikelihood(fit.Layout.Build(test)), 12);

        // Poisson, β = log 2 (mean 2); test y = 0, 1, 3: log p = y·log 2 − 2 − log(y!).
        var counts = Table("c.csv", Numeric("y", 1, 3, 2, 2));
        var pois = GlmFitter.Fit(DesignLayout.Create(Formula.Parse("y ~ 1"), [counts]).Build(counts), GlmFamily.Poisson);
        Assert.Equal(Math.Log(2), pois.Coefficient("(Intercept)"), 12);
        double expected = ((-2) + (Math.Log(2) - 2) + (3 * Math.Log(2) - 2 - Math.Log(6))) / 3;
        var testCounts = Table("tc.csv", Numeric("y", 0, 1, 3));
        Assert.Equal(expected, pois.MeanLogLikelihood(pois.Layout.Build(testCounts)), 12);
        Assert.Equal(expected, GlmLogLikelihood.MeanPerRecord(GlmFamily.Poisson, [Math.Log(2)], pois.Layout.Build(testCounts)), 12);
    }

    [Fact]
    public void PooledEstimatesScoreTheTestSet()
    {
        var local = Simulated("local.csv", 400, seed: 4, poisson: true, [0.2, 0.3, -0.3, 0.4]);
        var twins = Enumerable.Range(0, 3).Select(m => (Table)Simulated($"twin_{m}.csv", 400, seed: 40 + m, poisson: true, [0.2, 0.3, -0.3, 0.4])).ToArray();
        var f = Formula.Parse("y ~ group + x + offset(log_t)");
        var result = TwinAnalysis.LocalPlusTwins(local, [twins], f, GlmFamily.Poisson);
        var test = result.Layout.Build(Simulated("test.csv", 2000, seed: 99, poisson: true, [0.2, 0.3, -0.3, 0.4]));
        double pooled = result.Pooled.MeanLogLikelihood(test);
        double truth = GlmLogLikelihood.MeanPerRecord(GlmFamily.Poisson, [0.2, 0.3, -0.3, 0.4], test);
        Assert.True(double.IsFinite(pooled));
        // Fitted coefficients cannot beat the truth by much on fresh data, nor lose much at n = 1600.
        Assert.InRange(pooled, truth - 0.02, truth + 0.01);
    }
}
