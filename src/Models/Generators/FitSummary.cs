using System.Text.Json.Nodes;
using DpSynth.Privacy.Ledger;

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
/// stage), the DP-SGD run (σ, q, steps, clip) and timings. Holds only public values and releases
/// of the ledger — no row count, no loss.
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

    /// <summary>Whether all noise came from the OS CSPRNG (false with a user seed).</summary>
    public bool SecureRandomness { get; init; }

    /// <summary>Each ledger stage's ε alone; empty when the ledger was not read (e.g. a model loaded for sampling).</summary>
    public IReadOnlyList<StageSpend> Stages { get; init; } = [];

    /// <summary>Timings of the fit; null for a model loaded from a file written before they were recorded.</summary>
    public FitTimings? Timings { get; init; }

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
        return new FitSummary
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
            Stages = ledger is null ? [] : StagesOf(ledger),
            Timings = pre is double p && train is double t ? new FitTimings(p, t) : null,
        };
    }
}
