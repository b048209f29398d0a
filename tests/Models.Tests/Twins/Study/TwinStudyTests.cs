using System.Text.Json.Nodes;
using System.Xml.Linq;
using DpSynth.Models.Simulation;
using DpSynth.Models.Twins;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Models.Tests.Twins.Study;

/// <summary>
/// The study's metric code, driven through the generator hook with fake generators whose twins
/// are drawn from the simulator's TRUE model, so the expected behaviour is known.
/// </summary>
public sealed class TwinStudyTests
{
    private static readonly TwinStudyOptions Tiny = new()
    {
        Centres = 4, Rows = 2000, Copies = 4, Orders = 3, Seed = 3, Parallelism = 2,
    };

    [Fact]
    public void Twins_from_the_true_model_shrink_coefficient_error_as_k_grows_and_cover_the_truth()
    {
        var result = TwinStudy.Run(Tiny, new TrueModelTwins(ClinicSimulator.PoissonModel));
        var s = result.Summary;
        Assert.Equal([0, 1, 2, 3], s.Select(r => r.K));
        // More (ideal) data ⇒ a better estimate of the truth, step by step.
        for (int k = 1; k < s.Count; k++)
            Assert.True(s[k].RmseAll < s[k - 1].RmseAll, $"RMSE at k={k} ({s[k].RmseAll}) is not below k={k - 1} ({s[k - 1].RmseAll})");
        Assert.True(s[3].RmseAll < 0.6 * s[0].RmseAll, $"RMSE fell only from {s[0].RmseAll} to {s[3].RmseAll}");
        // ... and a better test log-likelihood, for the small half most of all.
        Assert.True(s[3].DeltaSmall > 0 && s[3].BeatsSmall >= 0.5, $"small half: dLL {s[3].DeltaSmall}, wins {s[3].BeatsSmall}");
        Assert.True(s[3].MeanLogLikelihoodAll > s[0].MeanLogLikelihoodAll);
        foreach (var row in s.Skip(1))
            Assert.True(row.Coverage >= 0.85, $"coverage at k={row.K} is {row.Coverage}");
        Assert.All(result.Joins, j => Assert.True(j.Metrics.Succeeded, j.Metrics.Error));
        Assert.Equal(4 * 3 * 3, result.Joins.Count);
    }

    [Fact]
    public void Layout_settings_splits_and_seeds_are_as_documented()
    {
        var generator = new TrueModelTwins(ClinicSimulator.PoissonModel);
        var result = TwinStudy.Run(Tiny with { Orders = 1, MaxPartners = 1 }, generator);
        Assert.Equal(4, generator.Calls);
        Assert.Equal(2000, result.Centres.Sum(c => c.Rows));
        Assert.Equal(result.TestRows, result.Centres.Sum(c => c.TestRows));
        Assert.All(result.Centres, c => Assert.InRange(c.TestRows, 0.2 * c.Rows - 1, 0.2 * c.Rows + 1));
        Assert.Equal(2, result.Centres.Count(c => c.SmallHalf));
        Assert.True(result.Centres.Where(c => c.SmallHalf).Max(c => c.TrainRows) <= result.Centres.Where(c => !c.SmallHalf).Min(c => c.TrainRows));
        Assert.Equal(17, result.TrueCoefficients.Count);
        Assert.Equal(-0.2, result.TrueCoefficients[DesignLayout.InterceptName]);
        // Every join's partners are other centres, each once.
        Assert.All(result.Joins, j => Assert.DoesNotContain(j.Centre, j.Partners));
        Assert.Equal(4, result.Seeds.Generators.Distinct().Count());
        // The same seed gives the same study.
        var again = TwinStudy.Run(Tiny with { Orders = 1, MaxPartners = 1 }, new TrueModelTwins(ClinicSimulator.PoissonModel));
        Assert.Equal(result.Joins.Select(j => j.Metrics.LogLikelihood), again.Joins.Select(j => j.Metrics.LogLikelihood));
    }

    [Fact]
    public void Failed_local_fits_in_tiny_centres_are_counted_as_NaN_and_twins_rescue_them()
    {
        // 8 centres from 800 rows: the smallest have a few dozen training rows for 17 logistic
        // coefficients, so their local fits fail (separation or too few records).
        var options = new TwinStudyOptions { Centres = 8, Rows = 800, Copies = 3, Orders = 2, MaxPartners = 7, Family = GlmFamily.Logistic, Seed = 5 };
        var result = TwinStudy.Run(options, new TrueModelTwins(ClinicSimulator.LogisticModel, sizeFactor: 3));
        var failedLocal = Enumerable.Range(0, 8).Where(c => !result.Local[c].Succeeded).ToArray();
        Assert.NotEmpty(failedLocal);
        Assert.All(failedLocal, c =>
        {
            Assert.True(double.IsNaN(result.Local[c].LogLikelihood));
            Assert.False(string.IsNullOrEmpty(result.Local[c].Error));
            Assert.Equal(1, result.Local[c].FailedFits);
        });
        Assert.Equal(failedLocal.Length, result.Summary[0].Failed);
        // With all seven other centres' twins every analysis succeeds.
        Assert.All(result.Joins.Where(j => j.K == 7), j => Assert.True(j.Metrics.Succeeded, j.Metrics.Error));
        Assert.True(result.Summary[7].LocalFailedPairs > 0);
        // Deltas are only taken where local-only succeeded; the JSON writes the NaNs as null.
        var json = TwinStudyJson.ToJson(result);
        var centre = json["centres"]!.AsArray()[failedLocal[0]]!;
        Assert.Null(centre["local"]!["log_likelihood"]);
        Assert.All(centre["joins"]!.AsArray(), j => Assert.Null(j!["delta_log_likelihood"]));
    }

    [Fact]
    public void A_level_in_only_some_copies_is_left_out_instead_of_failing_the_join()
    {
        // Copy 1 of every twin is all "indigenous", copy 2 all "white": only white is in both combined
        // datasets unless the local data has indigenous too, so indigenous twin rows must be dropped.
        var inner = new TrueModelTwins(ClinicSimulator.PoissonModel);
        var generator = new RewritingTwins(inner, (m, t) => RewritingTwins.SetAll(t, "ethnicity", m == 0 ? "indigenous" : "white"));
        var result = TwinStudy.Run(Tiny with { Copies = 2, Orders = 1 }, generator);
        Assert.All(result.Joins, j => Assert.True(j.Metrics.Succeeded, j.Metrics.Error));
        Assert.Contains(result.Joins, j => j.Metrics.DroppedRows > 0);
    }

    [Fact]
    public void A_level_without_events_is_left_out_instead_of_failing_the_fit()
    {
        // Every twin row becomes "indigenous" with 0 visits: wherever the local data has no
        // indigenous records with visits, that level's Poisson coefficient would be −∞.
        var inner = new TrueModelTwins(ClinicSimulator.PoissonModel);
        var generator = new RewritingTwins(inner, (_, t) => RewritingTwins.SetZero(RewritingTwins.SetAll(t, "ethnicity", "indigenous"), "visits"));
        var result = TwinStudy.Run(Tiny with { Copies = 2, Orders = 1 }, generator);
        Assert.All(result.Joins, j => Assert.True(j.Metrics.Succeeded, j.Metrics.Error));
        var excluded = result.Joins.Where(j => j.Metrics.ExcludedLevels.Contains("ethnicity[indigenous]")).ToArray();
        Assert.NotEmpty(excluded);
        Assert.All(excluded, j => Assert.True(j.Metrics.DroppedRows > 0));
        // The excluded coefficient has no interval: 16 of the 17 true coefficients at most are estimable.
        Assert.All(excluded, j => Assert.True(j.Metrics.Estimable <= 16));
    }

    [Fact]
    public void A_generator_reporting_more_than_the_budget_is_refused()
    {
        var generator = new TrueModelTwins(ClinicSimulator.PoissonModel, overspend: 0.01);
        var e = Assert.Throws<ArgumentException>(() => TwinStudy.Run(Tiny, generator));
        Assert.Contains("over the budget", e.Message);
    }

    [Theory]
    [InlineData(1, 2000, 4, 3, null, "centres")]
    [InlineData(4, 100, 4, 3, null, "rows")]
    [InlineData(4, 2000, 1, 3, null, "copies")]
    [InlineData(4, 2000, 4, 0, null, "orders")]
    [InlineData(4, 2000, 4, 3, 4, "largest k")]
    public void Impossible_settings_are_refused(int centres, int rows, int copies, int orders, int? maxK, string mentions)
    {
        var options = new TwinStudyOptions { Centres = centres, Rows = rows, Copies = copies, Orders = orders, MaxPartners = maxK };
        var e = Assert.Throws<ArgumentException>(() => TwinStudy.Run(options, new TrueModelTwins(ClinicSimulator.PoissonModel)));
        Assert.Contains(mentions, e.Message);
    }

    [Fact]
    public void Json_and_svg_hold_every_figure()
    {
        var result = TwinStudy.Run(Tiny with { Orders = 2 }, new TrueModelTwins(ClinicSimulator.PoissonModel));
        var json = JsonNode.Parse(TwinStudyJson.ToText(result))!.AsObject();
        Assert.Equal(TwinStudyJson.FormatVersion, (int)json["format_version"]!);
        Assert.Equal(4, (int)json["settings"]!["centres"]!);
        Assert.Equal("poisson", (string)json["settings"]!["family"]!);
        Assert.Equal("true-model", (string)json["settings"]!["generator"]!);
        Assert.Equal("3", (string)json["seeds"]!["study"]!);
        Assert.Equal(17, json["true_coefficients"]!.AsObject().Count);
        var summary = json["summary"]!.AsArray();
        Assert.Equal(4, summary.Count);
        Assert.Equal(result.Summary[2].RmseAll, (double)summary[2]!["coefficient_rmse_all"]!);
        var centres = json["centres"]!.AsArray();
        Assert.Equal(4, centres.Count);
        foreach (var c in centres)
        {
            Assert.Equal(Tiny.Epsilon, (double)c!["epsilon_spent"]!);
            Assert.NotNull(c["local"]!["log_likelihood"]);
            Assert.NotNull(c["local"]!["excluded_levels"]);
            Assert.NotNull(c["local"]!["dropped_rows"]);
            var joins = c["joins"]!.AsArray();
            Assert.Equal(2 * 3, joins.Count);
            foreach (var j in joins)
            {
                Assert.Equal((int)j!["k"]!, j["partners"]!.AsArray().Count);
                Assert.Equal((double)j["log_likelihood"]! - (double)c["local"]!["log_likelihood"]!, (double)j["delta_log_likelihood"]!, 12);
            }
        }
        Assert.True((double)json["timing_seconds"]!["total"]! > 0);
        Assert.NotEmpty(json["caveats"]!.AsArray());

        var svg = XDocument.Parse(TwinStudyPlot.ToSvg(result));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var lines = svg.Descendants(ns + "polyline").ToArray();
        Assert.Equal(2, lines.Length);
        // One point per k for each series.
        Assert.All(lines, l => Assert.Equal(4, l.Attribute("points")!.Value.Split(' ').Length));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToArray();
        Assert.Contains("smallest half of centres", texts);
        Assert.Contains("all centres", texts);
        Assert.Contains(texts, t => t.Contains("log-likelihood", StringComparison.Ordinal));
        Assert.Contains("3", texts); // the last k tick
    }

    [Theory]
    [InlineData(-1.53, -1.41, 6)]
    [InlineData(0.2, 0.95, 6)]
    [InlineData(-3.2, -0.4, 6)]
    public void Plot_ticks_are_round_and_cover_the_range(double lo, double hi, int count)
    {
        var ticks = TwinStudyPlot.NiceTicks(lo, hi, count);
        Assert.True(ticks[0] <= lo && ticks[^1] >= hi);
        Assert.InRange(ticks.Length, 3, 2 * count);
        double step = ticks[1] - ticks[0];
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
    }
}
