using DpSynth.Models.Tabular;
using DpSynth.Models.Twins;
using static DpSynth.Models.Tests.Twins.TwinTables;

namespace DpSynth.Models.Tests.Twins;

public class GlmFitterTests
{
    private static GlmFit Fit(string formula, Table t, GlmFamily family, DesignOptions? options = null) =>
        GlmFitter.Fit(DesignLayout.Create(Formula.Parse(formula), [t], options).Build(t), family);

    /// <summary>Group g has n_g records, e_g of them events (logistic) or summing to e_g (Poisson).</summary>
    private static Table Grouped(string[] groups, int[] sizes, int[] events, bool poisson)
    {
        var g = new List<string?>();
        var y = new List<double>();
        for (int k = 0; k < groups.Length; k++)
            for (int i = 0; i < sizes[k]; i++)
            {
                g.Add(groups[k]);
                // Poisson: spread the total unevenly over the records, the MLE only sees the sum.
                y.Add(poisson ? (i == 0 ? events[k] - (sizes[k] - 1) : 1) : (i < events[k] ? 1 : 0));
            }
        return Table("g.csv", Categorical("g", g.ToArray()), Numeric("y", y.ToArray()));
    }

    [Fact]
    public void SaturatedLogisticGivesGroupLogOdds()
    {
        var t = Grouped(["A", "B", "C"], [40, 25, 10], [10, 20, 3], poisson: false);
        var fit = Fit("y ~ g", t, GlmFamily.Logistic);
        double LogOdds(double k, double n) => Math.Log(k / (n - k));
        Assert.Equal(LogOdds(10, 40), fit.Coefficient("(Intercept)"), 10);
        Assert.Equal(LogOdds(20, 25) - LogOdds(10, 40), fit.Coefficient("g[B]"), 10);
        Assert.Equal(LogOdds(3, 10) - LogOdds(10, 40), fit.Coefficient("g[C]"), 10);
        // Model-based variance of a group's log-odds is 1/(n p (1 − p)).
        Assert.Equal(1 / (40 * 0.25 * 0.75), fit.Variances(CovarianceKind.Model)[0], 8);

        // Without an intercept each coefficient is its group's log-odds.
        var cell = Fit("y ~ g - 1", t, GlmFamily.Logistic);
        Assert.Equal(LogOdds(20, 25), cell.Coefficient("g[B]"), 10);
        Assert.Equal(LogOdds(10, 40), cell.Coefficient("g[A]"), 10);
    }

    [Fact]
    public void SaturatedPoissonGivesLogGroupMeans()
    {
        var t = Grouped(["A", "B", "C"], [30, 20, 12], [90, 30, 60], poisson: true);
        var fit = Fit("y ~ g", t, GlmFamily.Poisson);
        Assert.Equal(Math.Log(3.0), fit.Coefficient("(Intercept)"), 10);
        Assert.Equal(Math.Log(1.5) - Math.Log(3.0), fit.Coefficient("g[B]"), 10);
        Assert.Equal(Math.Log(5.0) - Math.Log(3.0), fit.Coefficient("g[C]"), 10);
        Assert.Equal(1 / 90.0, fit.Variances(CovarianceKind.Model)[0], 10);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecoversKnownCoefficientsWithinFewStandardErrors(bool poisson)
    {
        double[] truth = poisson ? [0.3, -0.5, 0.4, 0.25] : [-0.8, 0.7, -0.6, 1.1];
        var t = Simulated("sim.csv", 20000, seed: poisson ? 11 : 12, poisson, truth);
        string formula = poisson ? "y ~ group + x + offset(log_t)" : "y ~ group + x";
        var options = new DesignOptions();
        options.References["group"] = "A";
        var fit = Fit(formula, t, poisson ? GlmFamily.Poisson : GlmFamily.Logistic, options);
        Assert.Equal(["(Intercept)", "group[B]", "group[C]", "x"], fit.Names);
        var se = fit.StandardErrors();
        var model = fit.StandardErrors(CovarianceKind.Model);
        for (int j = 0; j < truth.Length; j++)
        {
            Assert.InRange(fit.Coefficients[j], truth[j] - 4 * se[j], truth[j] + 4 * se[j]);
            // The model is correct, so robust and model-based SEs agree closely at this n.
            Assert.InRange(se[j] / model[j], 0.9, 1.1);
        }
        Assert.InRange(fit.Iterations, 2, 15);
    }

    [Fact]
    public void SeparatedLogisticOutcomeIsRefusedNamingTheCoefficient()
    {
        var t = Table("sep.csv",
            Categorical("g", "A", "A", "A", "A", "B", "B", "B", "C", "C", "C"),
            Numeric("y", 1, 0, 1, 0, 1, 1, 1, 0, 1, 0));
        var e = Assert.Throws<GlmFitException>(() => Fit("y ~ g", t, GlmFamily.Logistic));
        Assert.Contains("separated", e.Message);
        Assert.Contains("g[B]", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ContinuousCompleteSeparationIsRefused()
    {
        var t = Table("sep2.csv", Numeric("x", 1, 2, 3, 4, 5, 6), Numeric("y", 0, 0, 0, 1, 1, 1));
        var e = Assert.Throws<GlmFitException>(() => Fit("y ~ x", t, GlmFamily.Logistic));
        Assert.Contains("separated", e.Message);
    }

    [Fact]
    public void PoissonLevelWithoutEventsIsRefused()
    {
        var t = Table("zero.csv",
            Categorical("g", "A", "A", "A", "B", "B", "B"),
            Numeric("y", 2, 3, 1, 0, 0, 0));
        var e = Assert.Throws<GlmFitException>(() => Fit("y ~ g", t, GlmFamily.Poisson));
        Assert.Contains("no events", e.Message);
        Assert.Contains("g[B]", e.Message);
    }

    [Fact]
    public void SingularDesignIsRefusedNamingTheColumn()
    {
        var t = Table("col.csv",
            Numeric("x", 1, 2, 3, 4, 5), Numeric("z", 2, 4, 6, 8, 10), Numeric("c", 1, 1, 1, 1, 1), Numeric("y", 0, 1, 0, 1, 1));
        var e = Assert.Throws<GlmFitException>(() => Fit("y ~ x + z", t, GlmFamily.Logistic));
        Assert.Equal("singular design: column z is a linear combination of the columns before it", e.Message);
        e = Assert.Throws<GlmFitException>(() => Fit("y ~ c", t, GlmFamily.Poisson));
        Assert.Contains("column c is a linear combination", e.Message);
    }

    [Fact]
    public void LevelWithoutRecordsInThisDataIsNamed()
    {
        // The layout knows level C from the twin; the local data alone has no C record.
        var local = Table("local.csv", Categorical("g", "A", "B", "A", "B", "A"), Numeric("y", 1, 0, 0, 1, 1));
        var twin = Table("twin.csv", Categorical("g", "C"), Numeric("y", 1));
        var declared = new DesignOptions();
        declared.Categories["g"] = ["A", "B", "C"];
        var layout = DesignLayout.Create(Formula.Parse("y ~ g"), [local, twin], declared);
        var e = Assert.Throws<GlmFitException>(() => GlmFitter.Fit(layout.Build(local), GlmFamily.Logistic));
        Assert.Equal("singular design: column g[C] is zero in every record (level \"C\" of g has no records here)", e.Message);
    }

    [Fact]
    public void ImpossibleOutcomesAreRefused()
    {
        var t = Table("y.csv", Numeric("x", 1, 2, 3, 4), Numeric("y", 0, 2, 1, 0));
        var e = Assert.Throws<GlmFitException>(() => Fit("y ~ x", t, GlmFamily.Logistic));
        Assert.Equal("Logistic regression: the outcome \"y\" must be 0 or 1, but is not in record 2", e.Message);
        Assert.Equal("2", PrivateValues.Find(e)); // the value itself, for --verbose-errors only
        var neg = Table("n.csv", Numeric("x", 1, 2, 3, 4), Numeric("y", 0, -1, 1, 0));
        Assert.Throws<GlmFitException>(() => Fit("y ~ x", neg, GlmFamily.Poisson));
        var tiny = Table("t.csv", Numeric("x", 1, 2), Numeric("y", 0, 1));
        Assert.Contains("needs more records (2) than coefficients (2)", Assert.Throws<GlmFitException>(() => Fit("y ~ x", tiny, GlmFamily.Logistic)).Message);
    }

    [Fact]
    public void NonConvergenceWithinTheIterationLimitIsReported()
    {
        var t = Simulated("sim.csv", 500, seed: 3, poisson: false, [0.1, 0.2, 0.3, 0.5]);
        var x = DesignLayout.Create(Formula.Parse("y ~ group + x"), [t]).Build(t);
        var e = Assert.Throws<GlmFitException>(() => GlmFitter.Fit(x, GlmFamily.Logistic, new GlmFitOptions { MaxIterations = 1 }));
        Assert.Contains("did not converge in 1 iterations", e.Message);
    }

    [Fact]
    public void StepHalvingRescuesAPoorStartWithLargeCounts()
    {
        // Large counts with a wide covariate make the first full Newton steps overshoot.
        var rng = new Random(5);
        var xs = new double[400];
        var ys = new double[400];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = rng.NextDouble() * 10;
            ys[i] = Math.Round(Math.Exp(1 + 0.6 * xs[i]) * (0.9 + 0.2 * rng.NextDouble()));
        }
        var fit = Fit("y ~ x", Table("big.csv", Numeric("x", xs), Numeric("y", ys)), GlmFamily.Poisson);
        Assert.Equal(0.6, fit.Coefficient("x"), 2);
    }
}
