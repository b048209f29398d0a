using System.Globalization;
using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// Twins mode of a Lipschitz VAE (Groß &amp; Wunder 2023): each record x of the private table becomes k
/// twins x̃ = post-processing of z = μ(x) + σ·ξ, ξ ~ N(0, I) from ChaCha20. For fixed (DP-trained)
/// weights, replacing x by x′ moves μ by at most Δ = L_μ·D (L_μ certified, D the input box's diameter),
/// so one twin is a Gaussian mechanism, (Δ/σ)-GDP with respect to its source record, and k twins of a
/// record compose to √k·Δ/σ (Dong, Roth &amp; Su 2022). Other records' twins do not depend on x. The
/// neighbouring relation is replace-one: the output has exactly k·N rows, so N is revealed, which is why
/// the model's schema must declare N public. The fit (add/remove-one) and this release are composed by
/// <see cref="ReplaceOneComposition"/> (group privacy for the fit, basic composition), never by
/// re-reading a stage under another relation.
/// </summary>
public sealed class TwinsRelease
{
    /// <summary>Relative and absolute slack on Δ for the double-precision evaluation of μ (its rounding error is far smaller).</summary>
    public const double SensitivitySlack = 1e-9;

    private TwinsRelease(LipschitzVaeModel model, int perRecord, CertifiedEncoder mean, double sigma, ReplaceOneGuarantee guarantee)
    {
        Model = model;
        PerRecord = perRecord;
        Mean = mean;
        Sigma = sigma;
        Guarantee = guarantee;
    }

    /// <summary>The model.</summary>
    public LipschitzVaeModel Model { get; }

    /// <summary>Twins per source record k.</summary>
    public int PerRecord { get; }

    /// <summary>The encoder mean released through (projected onto the release's L).</summary>
    public CertifiedEncoder Mean { get; }

    /// <summary>The input box's diameter D.</summary>
    public double Diameter => Model.Box.Diameter;

    /// <summary>Δ = L_μ·D, with slack.</summary>
    public double Sensitivity => SensitivityOf(Mean.Lipschitz, Diameter);

    /// <summary>The latent noise σ (public).</summary>
    public double Sigma { get; }

    /// <summary>μ of one twin: Δ/σ.</summary>
    public double MuPerTwin => Sensitivity / Sigma;

    /// <summary>μ of the release: √k·Δ/σ.</summary>
    public double Mu => GaussianDifferentialPrivacy.Compose(MuPerTwin, PerRecord);

    /// <summary>The replace-one guarantee of fit and release together.</summary>
    public ReplaceOneGuarantee Guarantee { get; }

    /// <summary>Δ = L·D·(1 + slack) + slack.</summary>
    public static double SensitivityOf(double lipschitz, double diameter) => lipschitz * diameter * (1 + SensitivitySlack) + SensitivitySlack;

    /// <summary>
    /// Plans a release: projects the encoder mean onto <paramref name="lipschitz"/> (when given and exceeded),
    /// takes σ = <paramref name="latentSigma"/>, or solves σ so that fit and release together are
    /// (<paramref name="releaseEpsilon"/>, δ)-DP under replace-one, δ = <paramref name="delta"/> or the fit's.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid, both or neither of σ and ε are given, or the fit leaves nothing for the release.</exception>
    public static TwinsRelease Plan(LipschitzVaeModel model, int perRecord, double? lipschitz, double? latentSigma, double? releaseEpsilon, double? delta = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ledger = model.Ledger ?? throw new ArgumentException("twins mode needs the model's privacy ledger (load the model with it)");
        if (perRecord < 1) throw new ArgumentException($"--per-record must be at least 1, got {perRecord}");
        if ((latentSigma is null) == (releaseEpsilon is null)) throw new ArgumentException("give exactly one of --latent-sigma and --release-epsilon");
        if (latentSigma is double s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"--latent-sigma must be positive and finite, got {F(s)}");
        if (releaseEpsilon is double e && !(e > 0 && double.IsFinite(e))) throw new ArgumentException($"--release-epsilon must be positive and finite, got {F(e)}");
        var mean = lipschitz is double l ? model.Mean.ProjectedTo(l) : model.Mean;
        if (delta is double given && !(given > 0 && given < 1)) throw new ArgumentException($"--delta must be in (0, 1), got {F(given)}");
        double totalDelta = delta ?? ledger.Budget.Delta;
        double sensitivity = SensitivityOf(mean.Lipschitz, model.Box.Diameter);
        double sigma = latentSigma ?? Math.Sqrt(perRecord) * sensitivity / ReplaceOneComposition.ReleaseMuFor(ledger.EpsilonAt, releaseEpsilon!.Value, totalDelta);
        double mu = GaussianDifferentialPrivacy.Compose(sensitivity / sigma, perRecord);
        var guarantee = ReplaceOneComposition.Compose(ledger.EpsilonAt, mu, totalDelta);
        return new TwinsRelease(model, perRecord, mean, sigma, guarantee);
    }

    /// <summary>
    /// The twins of <paramref name="source"/> (shard <paramref name="shardIndex"/> of <paramref name="shardCount"/>),
    /// in batches. The source must match the schema and have the row count the schema declared public.
    /// </summary>
    /// <exception cref="ArgumentException">The row count is not public, or differs from the declared one.</exception>
    /// <exception cref="TableFormatException">The source does not fit the schema or the encoder.</exception>
    public IEnumerable<Table> Sample(Table source, IComputeBackend backend, ulong? seed, int shardIndex = 0, int shardCount = 1, int batchRows = 2048)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(backend);
        if (!Model.Summary.RowCountPublic || Model.Summary.RowCount is not long declared)
            throw new ArgumentException("twins mode writes k rows for every record, which releases the exact row count; declare it public in the schema (\"rows\": {\"public\": N}) and fit again");
        SchemaMatch.Check(source, Model.Schema);
        if (source.RowCount != declared)
            throw new ArgumentException($"{source.Source}: the table's row count differs from the count the model's schema declares public");
        var encoded = Model.Encoder.Encode(source);
        var request = new SampleRequest((long)encoded.Rows * PerRecord, seed, shardIndex, shardCount);
        return LipschitzVaeSampler.Twins(Model, this, encoded.Data, backend, request, batchRows);
    }

    /// <summary>Checks the certificate of the released mean (<see cref="CertificateChecker"/>) at this release's Δ and σ.</summary>
    public CertificateReport Verify(ulong seed, long draws = 1_000_000) =>
        CertificateChecker.Check(Mean, Model.Box, Sensitivity, Sigma, seed, draws: draws);

    /// <summary>The release's ledger record: the fit's ledger, the release stage, the conversion and the total.</summary>
    public JsonObject ToJson(CertificateReport? report = null)
    {
        var g = Guarantee;
        var o = new JsonObject
        {
            ["neighbouring"] = "replace_one",
            ["fit_ledger"] = Model.Ledger is { } ledger ? JsonNode.Parse(ledger.ToJson()) : null,
            ["release_stage"] = new JsonObject
            {
                ["name"] = "twins release",
                ["mechanism"] = "gaussian on the certified encoder mean: z = mu(x) + sigma * xi, then post-processing (mu-GDP)",
                ["neighbouring"] = "replace_one",
                ["per_record"] = PerRecord,
                ["certified_lipschitz"] = Mean.Lipschitz,
                ["layer_norms"] = new JsonArray(Mean.LayerNorms.Select(n => (JsonNode)n).ToArray()),
                ["encoder_scale"] = Mean.Scale,
                ["input_diameter"] = Diameter,
                ["sensitivity"] = Sensitivity,
                ["sigma"] = Sigma,
                ["mu_per_twin"] = MuPerTwin,
                ["mu"] = Mu,
                ["epsilon"] = g.ReleaseEpsilon,
                ["delta"] = g.ReleaseDelta,
            },
            ["fit_converted"] = new JsonObject
            {
                ["epsilon_add_remove"] = g.FitEpsilonAddRemove,
                ["delta_add_remove"] = g.FitDeltaAddRemove,
                ["epsilon_replace_one"] = g.FitEpsilonReplaceOne,
                ["delta_replace_one"] = g.FitDeltaReplaceOne,
                ["conversion"] = "group privacy for a group of 2 (replace = remove + add): (eps, delta) add/remove => (2 eps, (1 + e^eps) delta) replace-one (Dwork & Roth 2014, Thm 2.2)",
            },
            ["composition"] = "basic composition of the converted fit and the release under replace-one (Dwork & Roth 2014, Thm 3.16); the release's epsilon from mu-GDP exactly (Dong, Roth & Su 2022, Cor 2.13)",
            ["total_epsilon"] = g.Epsilon,
            ["total_delta"] = g.Delta,
        };
        if (report is not null)
            o["certificate_check"] = new JsonObject
            {
                ["passed"] = report.Passed,
                ["max_ratio"] = report.MaxRatio,
                ["certified_lipschitz"] = report.CertifiedLipschitz,
                ["max_distance"] = report.MaxDistance,
                ["sensitivity"] = report.Sensitivity,
                ["searches"] = report.Searches,
                ["draws"] = report.Draws,
                ["pair_mu"] = report.PairMu,
                ["release_mu_per_twin"] = report.ReleaseMu,
                ["loss_mean"] = report.LossMean,
                ["loss_sd"] = report.LossStd,
                ["failure"] = report.Failure,
            };
        return o;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
