using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DpSynth.Models.Twins.Study;

/// <summary>
/// The study's full record as JSON (study.json): settings, seeds, the truth, per-centre facts
/// (ε spent, sizes), every local-only and joined analysis, the per-k summary, timings and caveats.
/// Numbers that could not be computed (a failed fit) are written as null.
/// </summary>
public static class TwinStudyJson
{
    /// <summary>Format version of study.json.</summary>
    public const int FormatVersion = 1;

    /// <summary>The record as a JSON object.</summary>
    public static JsonObject ToJson(TwinStudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var centreNames = result.Centres.Select(c => c.Name).ToArray();
        var centres = new JsonArray();
        for (int c = 0; c < result.Centres.Count; c++)
        {
            var info = result.Centres[c];
            var joins = new JsonArray();
            foreach (var j in result.Joins.Where(j => j.Centre == c))
            {
                var m = Metrics(j.Metrics);
                m.Insert(0, "k", j.K);
                m.Insert(1, "order", j.Order);
                m.Insert(2, "partners", new JsonArray(j.Partners.Select(p => (JsonNode)centreNames[p]).ToArray()));
                m.Insert(3, "delta_log_likelihood", Num(j.Metrics.LogLikelihood - result.Local[c].LogLikelihood));
                joins.Add((JsonNode)m); // the JsonNode overload: Add<T> is marked unsafe for trimming
            }
            centres.Add((JsonNode)new JsonObject
            {
                ["name"] = info.Name,
                ["rows"] = info.Rows,
                ["train_rows"] = info.TrainRows,
                ["test_rows"] = info.TestRows,
                ["small_half"] = info.SmallHalf,
                ["epsilon_spent"] = Num(info.EpsilonSpent),
                ["release_seconds"] = Num(info.ReleaseSeconds),
                ["generator_seed"] = result.Seeds.Generators[c] is ulong s ? JsonValue.Create(s.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null,
                ["local"] = Metrics(result.Local[c]),
                ["joins"] = joins,
            });
        }
        var summary = new JsonArray(result.Summary.Select(s => (JsonNode)new JsonObject
        {
            ["k"] = s.K,
            ["mean_log_likelihood_small_half"] = Num(s.MeanLogLikelihoodSmall),
            ["mean_log_likelihood_all"] = Num(s.MeanLogLikelihoodAll),
            ["delta_log_likelihood_small_half"] = Num(s.DeltaSmall),
            ["delta_log_likelihood_all"] = Num(s.DeltaAll),
            ["share_beating_local_small_half"] = Num(s.BeatsSmall),
            ["share_beating_local_all"] = Num(s.BeatsAll),
            ["coefficient_rmse_small_half"] = Num(s.RmseSmall),
            ["coefficient_rmse_all"] = Num(s.RmseAll),
            ["coverage_95"] = Num(s.Coverage),
            ["analyses"] = s.Analyses,
            ["failed"] = s.Failed,
            ["joins_without_local_fit"] = s.LocalFailedPairs,
        }).ToArray());
        var truth = new JsonObject();
        foreach (var (name, value) in result.TrueCoefficients) truth[name] = value;
        return new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["experiment"] = "synthetic twins for collaborative learning (Prediger, Jälkö, Honkela & Kaski 2023) on the clinic simulator",
            ["settings"] = new JsonObject
            {
                ["centres"] = o.Centres,
                ["rows"] = o.Rows,
                ["copies"] = o.Copies,
                ["orders"] = o.Orders,
                ["max_k"] = o.MaxK,
                ["epsilon"] = o.Epsilon,
                ["delta"] = o.Delta,
                ["family"] = o.Family.ToString().ToLowerInvariant(),
                ["formula"] = result.Formula,
                ["test_share"] = o.TestShare,
                ["generator"] = result.Generator,
                ["copies_from_one_model"] = result.CopiesFromOneModel,
                ["copy_draws"] = result.CopiesFromOneModel ? "draws from one fitted model (no parameter uncertainty between copies)" : "each copy from its own posterior draw of one DP fit",
                ["within_variance"] = "robust HC1",
                ["local_intervals"] = "estimate +- 1.96 robust HC1 standard errors",
                ["excluded_levels"] = "levels missing from some of the M combined datasets, and degenerate levels (all outcomes 0, or logistic all 1), are left out with their rows; their coefficients count as 0",
                ["pooling"] = "Rubin's rules for fully synthetic data, T = (1 + 1/M)B - U, (n_syn/n)U when T <= 0",
            },
            ["seeds"] = new JsonObject
            {
                ["study"] = result.Seeds.Study.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["simulator"] = result.Seeds.Simulator.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["generators_seeded"] = o.SeedGenerator,
            },
            ["true_coefficients"] = truth,
            ["test_rows"] = result.TestRows,
            ["failures"] = new JsonObject
            {
                ["local"] = result.Local.Count(m => !m.Succeeded),
                ["joins"] = result.Joins.Count(j => !j.Metrics.Succeeded),
                ["joins_total"] = result.Joins.Count,
                ["fits"] = result.Local.Sum(m => m.FailedFits) + result.Joins.Sum(j => j.Metrics.FailedFits),
            },
            ["summary"] = summary,
            ["centres"] = centres,
            ["timing_seconds"] = new JsonObject
            {
                ["simulate"] = Num(result.Timings.Simulate),
                ["release"] = Num(result.Timings.Release),
                ["analyse"] = Num(result.Timings.Analyse),
                ["total"] = Num(result.Timings.Total),
            },
            ["caveats"] = new JsonArray(result.Caveats().Select(c => (JsonNode)c).ToArray()),
        };
    }

    /// <summary>The record as indented JSON text ending in a newline.</summary>
    public static string ToText(TwinStudyResult result) =>
        ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static JsonObject Metrics(StudyMetrics m) => new()
    {
        ["log_likelihood"] = Num(m.LogLikelihood),
        ["coefficient_rmse"] = Num(m.CoefficientRmse),
        ["covered"] = m.Covered,
        ["estimable"] = m.Estimable,
        ["failed_fits"] = m.FailedFits,
        ["dropped_rows"] = m.DroppedRows,
        ["excluded_levels"] = new JsonArray(m.ExcludedLevels.Select(l => (JsonNode)l).ToArray()),
        ["error"] = m.Error,
    };

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
