using System.Text.Json.Nodes;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;

namespace DpSynth.Models.Generators;

/// <summary>ε of one ledger stage on its own, at the fit's δ.</summary>
/// <param name="Name">The stage, e.g. "training" or "bounds of column age".</param>
/// <param name="Mechanism">Its mechanism.</param>
/// <param name="Epsilon">ε of the stage alone at <paramref name="Delta"/> (stages compose to less than their sum).</param>
/// <param name="Delta">The fit's δ.</param>
public sealed record StageSpend(string Name, string Mechanism, double Epsilon, double Delta);

/// <summary>Wall-clock seconds of a fit's parts (public: timings depend on the machine, not on a row's value).</summary>
/// <param name="PreprocessingSeconds">Private statistics before training (bounds, categories, marginals, encoding).</param>
/// <param name="TrainingSeconds">The DP-SGD run.</param>
public sealed record FitTimings(double PreprocessingSeconds, double TrainingSeconds);

/// <summary>
/// What a fit did, in typed form, for reports and model files: ε/δ spent (in all and per ledger
/// stage), the DP-SGD run (σ, q, steps, clip), the DP (or declared) row count and timings. Holds only
/// public values and releases of the ledger — no exact row count, no loss.
/// </summary>
public sealed record FitSummary
{
    /// <summary>ε of all stages composed by the ledger's accountant, at <see cref="Delta"/>.</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee.</summary>
    public required double Delta { get; init; }

    /// <summary>ε the ledger had composed before training (0 when every statistic was public).</summary>
    public double PreprocessingEpsilon { get; init; }

    /// <summary>ε of the training stage alone.</summary>
    public double TrainingEpsilon { get; init; }

    /// <summary>DP-SGD noise multiplier σ.</summary>
    public double NoiseMultiplier { get; init; }

    /// <summary>Poisson sampling rate q.</summary>
    public double SampleRate { get; init; }

    /// <summary>DP-SGD steps run.</summary>
    public long Steps { get; init; }

    /// <summary>Per-example clip norm C.</summary>
    public double ClipNorm { get; init; }

    /// <summary>
    /// The row count the fit used: a DP release of N (a ledger stage) or the count the schema declared
    /// public — never the exact N of a private table. The default number of rows <c>sample</c> writes.
    /// Null for model files written before it was recorded.
    /// </summary>
    public long? RowCount { get; init; }

    /// <summary>Whether <see cref="RowCount"/> was declared public by the schema (else it is a DP count).</summary>
    public bool RowCountPublic { get; init; }

    /// <summary>Whether all noise came from the OS CSPRNG (false with a user seed).</summary>
    public bool SecureRandomness { get; init; }

    /// <summary>Each ledger stage's ε alone; empty when the ledger was not read (e.g. a model loaded for sampling).</summary>
    /// <remarks>Priced when first read: fifty stages alone are fifty PLD compositions, which a fit that only saves its model never shows.</remarks>
    public IReadOnlyList<StageSpend> Stages
    {
        get => _stages.Value;
        init => _stages = new Lazy<IReadOnlyList<StageSpend>>(value);
    }

    private Lazy<IReadOnlyList<StageSpend>> _stages = new(() => []);

    /// <summary>Sets <see cref="Stages"/> to <see cref="StagesOf"/> the ledger, priced when first read.</summary>
    private PrivacyLedger StagesOfLedger
    {
        init => _stages = new Lazy<IReadOnlyList<StageSpend>>(() => StagesOf(value));
    }

    /// <summary>Timings of the fit; null for a model loaded from a file written before they were recorded.</summary>
    public FitTimings? Timings { get; init; }

    /// <summary>The summary of a fit whose training is one DP-SGD run: ε and the stages from the ledger, the row count from the plan, the run from its record.</summary>
    /// <param name="plan">The fit's plan; its ledger has every stage spent.</param>
    /// <param name="record">The DP-SGD run's record.</param>
    /// <param name="preprocessingEpsilon">ε the ledger had composed before training.</param>
    /// <param name="timings">Timings of the fit.</param>
    public static FitSummary OfTraining(PrivacyPlan plan, Training.TrainingRecord record, double preprocessingEpsilon, FitTimings timings)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(record);
        var ledger = plan.Ledger;
        return new FitSummary
        {
            Epsilon = ledger.TotalEpsilon,
            Delta = ledger.Budget.Delta,
            PreprocessingEpsilon = preprocessingEpsilon,
            TrainingEpsilon = record.Epsilon,
            NoiseMultiplier = record.NoiseMultiplier,
            SampleRate = record.SampleRate,
            Steps = record.StepsRun,
            ClipNorm = record.ClipNorm,
            SecureRandomness = record.SecureRandomness,
            RowCount = plan.RowCount.Rows,
            RowCountPublic = plan.RowCount.IsPublic,
            StagesOfLedger = ledger,
            Timings = timings,
        };
    }

    /// <summary>ε of each of <paramref name="ledger"/>'s stages alone, at the ledger's δ.</summary>
    public static IReadOnlyList<StageSpend> StagesOf(PrivacyLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var budget = ledger.Budget;
        return ledger.Stages.Select(stage =>
        {
            var alone = new PrivacyLedger(new PrivacyBudget(double.MaxValue, budget.Delta), ledger.Randomness, ledger.Accountant);
            alone.Spend(stage);
            return new StageSpend(stage.Name, stage.Mechanism, alone.TotalEpsilon, budget.Delta);
        }).ToArray();
    }

    /// <summary>
    /// The summary as the model file's <c>training</c> object; the keys are those of files written
    /// before the summary was typed, so older readers and files stay compatible.
    /// </summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["noise_multiplier"] = NoiseMultiplier,
            ["sample_rate"] = SampleRate,
            ["steps"] = Steps,
            ["clip_norm"] = ClipNorm,
            ["training_epsilon"] = TrainingEpsilon,
            ["preprocessing_epsilon"] = PreprocessingEpsilon,
            ["total_epsilon"] = Epsilon,
            ["delta"] = Delta,
            ["secure_randomness"] = SecureRandomness,
        };
        if (RowCount is long rows)
        {
            o["rows"] = rows;
            o["rows_public"] = RowCountPublic;
        }
        if (Timings is { } t)
        {
            o["preprocessing_seconds"] = t.PreprocessingSeconds;
            o["training_seconds"] = t.TrainingSeconds;
        }
        return o;
    }

    /// <summary>Reads a summary written by <see cref="ToJson"/> (or by a release before it), with the stages of <paramref name="ledger"/> when read.</summary>
    /// <exception cref="FormatException">A value is missing or not a number.</exception>
    public static FitSummary FromJson(JsonObject? o, PrivacyLedger? ledger)
    {
        if (o is null) throw new FormatException("the model file holds no training summary");
        double D(string key) => o[key] is JsonValue v && v.TryGetValue(out double d) ? d : throw new FormatException($"the training summary's '{key}' is missing or not a number");
        double? Optional(string key) => o[key] is null ? null : D(key);
        double? pre = Optional("preprocessing_seconds"), train = Optional("training_seconds");
        var summary = new FitSummary
        {
            Epsilon = D("total_epsilon"),
            Delta = D("delta"),
            PreprocessingEpsilon = Optional("preprocessing_epsilon") ?? 0, // absent in DPVI files: no preprocessing
            TrainingEpsilon = D("training_epsilon"),
            NoiseMultiplier = D("noise_multiplier"),
            SampleRate = D("sample_rate"),
            Steps = (long)D("steps"),
            ClipNorm = D("clip_norm"),
            SecureRandomness = o["secure_randomness"] is JsonValue s && s.TryGetValue(out bool secure) && secure,
            RowCount = Optional("rows") is double rows ? (long)rows : null,
            RowCountPublic = o["rows_public"] is JsonValue rp && rp.TryGetValue(out bool rowsPublic) && rowsPublic,
            Timings = pre is double p && train is double t ? new FitTimings(p, t) : null,
        };
        return ledger is null ? summary : summary with { StagesOfLedger = ledger };
    }
}
