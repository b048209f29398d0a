using System.Globalization;
using System.Text.Json.Nodes;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>How the outcome column is modelled given the covariates.</summary>
public enum DpviOutcomeFamily
{
    /// <summary>A count: Poisson regression with a log link.</summary>
    Poisson,
    /// <summary>A boolean or two-level outcome: logistic regression (the second level is "1").</summary>
    Logistic,
}

/// <summary>
/// Hyper-parameters of the DPVI twin generator (Prediger, Jälkö, Honkela &amp; Kaski 2023): the
/// mixture's size and priors, and the DP-SGD run. All defaults are public constants chosen by the
/// developers on the public clinic simulator (ε = 1, δ = 1e-6, centres of 50–4200 rows: 100 epochs,
/// expected batch 400, Adam lr 0.05, clip 2, K = 16, initial posterior sd 0.2), never tuned on the data being fitted.
/// Epochs and learning rate were raised from 40 and 0.01 by <c>dpsynth twins study</c>: with those the
/// regression coefficients stayed near their initial 0 (a small centre gets only 40 full-batch steps), a
/// bias every twin shares, so pooled intervals lost coverage as more twins joined (Poisson 71%,
/// logistic 56% at k = 15).
/// </summary>
public sealed record DpviOptions
{
    /// <summary>The defaults.</summary>
    public static DpviOptions Default { get; } = new();

    /// <summary>
    /// The defaults for a logistic outcome: expected batch 64, 200 epochs with at most 2000 steps, the
    /// last half of the iterates averaged. Chosen on the public clinic simulator (<c>dpsynth twins study
    /// --family logistic</c>, seeds 1 and 2): with <see cref="Default"/> a centre of a few hundred rows
    /// gets ~100 full-batch steps and its coefficients stay near 0, a bias every twin shares (pooled
    /// coverage fell to 72% at k = 15 on seed 2); these gave 84–93%. Poisson keeps <see cref="Default"/>,
    /// which the same settings made worse (small-half gain at k = 1 from +0.12 to −0.05).
    /// </summary>
    public static DpviOptions LogisticDefault { get; } = new() { ExpectedBatchSize = 64, Epochs = 200, MaxSteps = 2000, AveragedFraction = 0.5 };

    /// <summary>The defaults for an outcome family: <see cref="LogisticDefault"/> for logistic, <see cref="Default"/> otherwise.</summary>
    public static DpviOptions DefaultFor(DpviOutcomeFamily family) => family == DpviOutcomeFamily.Logistic ? LogisticDefault : Default;

    /// <summary>Mixture components K.</summary>
    public int Components { get; init; } = 16;

    /// <summary>Concentration α of the symmetric Dirichlet prior on the mixture weights π.</summary>
    public double MixtureConcentration { get; init; } = 1;

    /// <summary>Concentration α of the symmetric Dirichlet prior on each component's category probabilities.</summary>
    public double CategoryConcentration { get; init; } = 1;

    /// <summary>Standard deviation of the N(0, sd²) prior on a numeric covariate's component mean (standardised units: public bounds map to ±1).</summary>
    public double MeanPriorSd { get; init; } = 1;

    /// <summary>Mean of the Gaussian prior on a numeric covariate's component log standard deviation (standardised units).</summary>
    public double LogSdPriorMean { get; init; } = -1;

    /// <summary>Standard deviation of the Gaussian prior on a numeric covariate's component log standard deviation.</summary>
    public double LogSdPriorSd { get; init; } = 1;

    /// <summary>Standard deviation of the N(0, sd²) prior on every regression coefficient (intercept included).</summary>
    public double CoefficientPriorSd { get; init; } = 2.5;

    /// <summary>
    /// Covariates of the outcome regression, by name (categorical ones reference-coded on their
    /// first public level, numeric ones standardised); null uses every covariate.
    /// </summary>
    public IReadOnlyList<string>? RegressionCovariates { get; init; }

    /// <summary>Passes over the data (steps = ⌈epochs / q⌉).</summary>
    public double Epochs { get; init; } = 100;

    /// <summary>
    /// Cap on the DP-SGD steps: a large table runs min(⌈epochs / q⌉, cap) steps (fewer passes), with σ
    /// calibrated for the steps actually run; 0 means no cap.
    /// </summary>
    public long MaxSteps { get; init; }

    /// <summary>Expected Poisson batch size q·N (capped at N).</summary>
    public int ExpectedBatchSize { get; init; } = 400;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>
    /// Fraction of the run, at its end, whose iterates (μ and ρ after each step) are averaged into
    /// the released posterior (Polyak tail averaging: post-processing of the noised updates, free
    /// under DP); 0 releases the last iterate.
    /// </summary>
    public double AveragedFraction { get; init; }

    /// <summary>Per-example clip norm C of the gradient w.r.t. all variational parameters together.</summary>
    public double ClipNorm { get; init; } = 2;

    /// <summary>
    /// Initial standard deviation of every coordinate of the variational posterior. Under DP noise
    /// the scales move little in a default run, so this public constant largely sets the spread
    /// between released copies; 0.2 gave pooled (Rubin) 95% intervals from one twin of M = 10
    /// copies 88–93% coverage on two clinic-simulator centres at ε = 1 (0.05: 82–89%, with slightly smaller errors).
    /// </summary>
    public double InitialSd { get; init; } = 0.2;

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        static void Positive(double v, string name)
        {
            if (!(v > 0) || double.IsInfinity(v)) throw new ArgumentException($"DPVI option {name} must be positive and finite, got {v.ToString(CultureInfo.InvariantCulture)}");
        }
        if (Components < 1 || Components > 1024) throw new ArgumentException($"DPVI option components must be in [1, 1024], got {Components}");
        Positive(MixtureConcentration, "mixture_concentration");
        Positive(CategoryConcentration, "category_concentration");
        Positive(MeanPriorSd, "mean_prior_sd");
        Positive(LogSdPriorSd, "log_sd_prior_sd");
        Positive(CoefficientPriorSd, "coefficient_prior_sd");
        if (!double.IsFinite(LogSdPriorMean)) throw new ArgumentException($"DPVI option log_sd_prior_mean must be finite, got {LogSdPriorMean}");
        Positive(Epochs, "epochs");
        if (ExpectedBatchSize < 1) throw new ArgumentException($"DPVI option expected_batch_size must be at least 1, got {ExpectedBatchSize}");
        Positive(LearningRate, "learning_rate");
        if (MaxSteps < 0) throw new ArgumentException($"DPVI option max_steps must be 0 (no cap) or positive, got {MaxSteps}");
        Positive(ClipNorm, "clip_norm");
        if (!(AveragedFraction >= 0 && AveragedFraction < 1)) throw new ArgumentException($"DPVI option averaged_fraction must be in [0, 1), got {AveragedFraction.ToString(CultureInfo.InvariantCulture)}");
        Positive(InitialSd, "initial_sd");
    }

    /// <summary>The options as JSON (model files).</summary>
    public JsonObject ToJson() => new()
    {
        ["components"] = Components,
        ["mixture_concentration"] = MixtureConcentration,
        ["category_concentration"] = CategoryConcentration,
        ["mean_prior_sd"] = MeanPriorSd,
        ["log_sd_prior_mean"] = LogSdPriorMean,
        ["log_sd_prior_sd"] = LogSdPriorSd,
        ["coefficient_prior_sd"] = CoefficientPriorSd,
        ["regression_covariates"] = RegressionCovariates is null ? null : new JsonArray(RegressionCovariates.Select(c => (JsonNode)c).ToArray()),
        ["epochs"] = Epochs,
        ["expected_batch_size"] = ExpectedBatchSize,
        ["max_steps"] = MaxSteps,
        ["learning_rate"] = LearningRate,
        ["clip_norm"] = ClipNorm,
        ["averaged_fraction"] = AveragedFraction,
        ["initial_sd"] = InitialSd,
    };

    /// <summary>Reads options written by <see cref="ToJson"/>; throws <see cref="FormatException"/> when a value is missing or invalid.</summary>
    public static DpviOptions FromJson(JsonObject o)
    {
        double D(string name) => o[name] is JsonValue v && v.TryGetValue(out double d) ? d : throw new FormatException($"the DPVI hyper-parameter '{name}' is missing or not a number");
        int I(string name) => o[name] is JsonValue v && v.TryGetValue(out int i) ? i : throw new FormatException($"the DPVI hyper-parameter '{name}' is missing or not an integer");
        string[]? covariates = null;
        if (o["regression_covariates"] is JsonArray a)
            covariates = a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) && s is not null ? s
                : throw new FormatException("the DPVI hyper-parameter 'regression_covariates' holds a non-string")).ToArray();
        var options = new DpviOptions
        {
            Components = I("components"),
            MixtureConcentration = D("mixture_concentration"),
            CategoryConcentration = D("category_concentration"),
            MeanPriorSd = D("mean_prior_sd"),
            LogSdPriorMean = D("log_sd_prior_mean"),
            LogSdPriorSd = D("log_sd_prior_sd"),
            CoefficientPriorSd = D("coefficient_prior_sd"),
            RegressionCovariates = covariates,
            Epochs = D("epochs"),
            ExpectedBatchSize = I("expected_batch_size"),
            MaxSteps = o["max_steps"] is null ? 0 : (long)D("max_steps"), // absent in older model files: no cap
            LearningRate = D("learning_rate"),
            ClipNorm = D("clip_norm"),
            AveragedFraction = o["averaged_fraction"] is null ? 0 : D("averaged_fraction"), // absent in older model files: last iterate
            InitialSd = D("initial_sd"),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new FormatException(e.Message, e); }
        return options;
    }
}

/// <summary>The privacy budget, outcome and run settings of one DPVI fit.</summary>
public sealed record DpviFitRequest
{
    /// <summary>Total ε of the fit (DPVI spends it all on DP-SGD: everything else must be public).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>The outcome column; null uses the schema's single label column (and no outcome when there is none).</summary>
    public string? Outcome { get; init; }

    /// <summary>The outcome's family; null picks it from the column kind (integer → Poisson, boolean or two public levels → logistic).</summary>
    public DpviOutcomeFamily? Family { get; init; }

    /// <summary>Hyper-parameters.</summary>
    public DpviOptions Options { get; init; } = DpviOptions.Default;

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Tests only: ordinary (non-private) SGD with the same sampler, no clipping and no noise; no ledger stage.</summary>
    internal bool NonPrivate { get; init; }

    /// <summary>Positive-control faults of an audit; none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Checks the budget and options; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
        Options.Validate();
    }
}
