using DpSynth.Models.Twins;
using static DpSynth.Models.Tests.Twins.TwinTables;

namespace DpSynth.Models.Tests.Twins;

/// <summary>HC1 sandwich against hand computations on tiny saturated fits (where μ is known exactly).</summary>
public class RobustCovarianceTests
{
    [Fact]
    public void PoissonHc1MatchesHandComputation()
    {
        // Group A (x = 0): y = 1, 3 → μ = 2.  Group B (x = 1): y = 2, 4, 6 → μ = 4.
        // X rows [1,0],[1,0],[1,1],[1,1],[1,1]; W = μ = 2, 2, 4, 4, 4.
        // XᵀWX = [[16, 12], [12, 12]], det 48, so (XᵀWX)⁻¹ = [[1/4, −1/4], [−1/4, 1/3]] (model-based).
        // r = −1, 1, −2, 0, 2; r² = 1, 1, 4, 0, 4;  meat Σ r² x xᵀ = [[10, 8], [8, 8]].
        // B·M = [[1/2, 0], [1/6, 2/3]];  B·M·B = [[1/8, −1/8], [−1/8, 13/72]];  × n/(n−p) = 5/3:
        // HC1 = [[5/24, −5/24], [−5/24, 65/216]].
        var t = Table("tiny.csv", Numeric("x", 0, 0, 1, 1, 1), Numeric("y", 1, 3, 2, 4, 6));
        var fit = GlmFitter.Fit(DesignLayout.Create(Formula.Parse("y ~ x"), [t]).Build(t), GlmFamily.Poisson);
        Assert.Equal(Math.Log(2), fit.Coefficient("(Intercept)"), 12);
        Assert.Equal(Math.Log(2), fit.Coefficient("x"), 12);

        var model = fit.Covariance(CovarianceKind.Model);
        Assert.Equal(1 / 4.0, model[0, 0], 12);
        Assert.Equal(-1 / 4.0, model[0, 1], 12);
        Assert.Equal(1 / 3.0, model[1, 1], 12);

        var hc1 = fit.Covariance(CovarianceKind.Robust);
        Assert.Equal(5 / 24.0, hc1[0, 0], 12);
        Assert.Equal(-5 / 24.0, hc1[0, 1], 12);
        Assert.Equal(-5 / 24.0, hc1[1, 0], 12);
        Assert.Equal(65 / 216.0, hc1[1, 1], 12);
        Assert.Equal(Math.Sqrt(65 / 216.0), fit.StandardErrors()[1], 12);
    }

    [Fact]
    public void LogisticHc1MatchesHandComputation()
    {
        // Group A (x = 0): y = 1, 0, 0, 0 → p = 1/4, w = 3/16 each, Σw = 3/4, r = 3/4, −1/4 ×3, Σr² = 3/4.
        // Group B (x = 1): y = 1, 1, 0 → p = 2/3, w = 2/9 each, Σw = 2/3, r = 1/3, 1/3, −2/3, Σr² = 2/3.
        // With a binary covariate the bread is block-structured, so the sandwich reduces to
        // per-group terms S_g = Σr²/(Σw)²: S_A = (3/4)/(9/16) = 4/3, S_B = (2/3)/(4/9) = 3/2.
        // Var(β0) = S_A, Cov(β0, β1) = −S_A, Var(β1) = S_A + S_B = 17/6; × n/(n−p) = 7/5:
        // HC1 = [[28/15, −28/15], [−28/15, 119/30]].
        var t = Table("tiny.csv", Numeric("x", 0, 0, 0, 0, 1, 1, 1), Numeric("y", 1, 0, 0, 0, 1, 1, 0));
        var fit = GlmFitter.Fit(DesignLayout.Create(Formula.Parse("y ~ x"), [t]).Build(t), GlmFamily.Logistic);
        Assert.Equal(Math.Log(1 / 3.0), fit.Coefficient("(Intercept)"), 10);
        Assert.Equal(Math.Log(2.0) - Math.Log(1 / 3.0), fit.Coefficient("x"), 10);
        var hc1 = fit.Covariance();
        Assert.Equal(28 / 15.0, hc1[0, 0], 9);
        Assert.Equal(-28 / 15.0, hc1[0, 1], 9);
        Assert.Equal(119 / 30.0, hc1[1, 1], 9);
        // Model-based: 1/Σw per group: Var(β0) = 4/3, Var(β1) = 4/3 + 3/2.
        var model = fit.Covariance(CovarianceKind.Model);
        Assert.Equal(4 / 3.0, model[0, 0], 9);
        Assert.Equal(17 / 6.0, model[1, 1], 9);
    }

    [Fact]
    public void Hc1ExceedsModelVarianceUnderOverdispersion()
    {
        // Counts with variance far above the mean: the Poisson model-based SE is too small.
        var rng = new Random(9);
        var x = new double[3000];
        var y = new double[3000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble();
            y[i] = rng.NextDouble() < 0.2 ? 5 * Math.Round(Math.Exp(1 + x[i])) : 0;
        }
        var t = Table("od.csv", Numeric("x", x), Numeric("y", y));
        var fit = GlmFitter.Fit(DesignLayout.Create(Formula.Parse("y ~ x"), [t]).Build(t), GlmFamily.Poisson);
        Assert.True(fit.StandardErrors()[1] > 2 * fit.StandardErrors(CovarianceKind.Model)[1]);
    }
}
