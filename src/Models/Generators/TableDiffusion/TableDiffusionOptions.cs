using System.Text.Json.Nodes;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// Hyper-parameters of TableDiffusion (Truda 2023). <see cref="Paper"/> is the published preset:
/// a residual-concat MLP denoiser (hidden 128, 128) on the encoded row, T = 3 diffusion steps,
/// β_t = (1 − cos(π·t/T))/2 + 0.1, MSE on the predicted noise, all T noised copies of a record
/// clipped together as one example, Adam (lr 0.005, betas 0.5/0.999), expected batch 1024,
/// 5 epochs, clip 1.
/// </summary>
public sealed record TableDiffusionOptions
{
    /// <summary>The published preset.</summary>
    public static TableDiffusionOptions Paper { get; } = new();

    /// <summary>
    /// The improved preset: numeric columns as bins (<see cref="NumericTransform.Bins"/>), so every
    /// column is a softmax span; DP one-way marginals of the spans (a quarter of ε) that start the
    /// head and calibrate sampling; a variance-preserving cosine schedule with T = 10 levels (the
    /// top one is almost pure noise, so sampling from N(0, I) matches training), of which each record
    /// trains on 3 drawn afresh every step, and sampling visits 4 of them; a one-hot step input; cross-entropy on x₀; an ancestral
    /// reverse process x_{t−1} ~ q(x_{t−1} | x_t, x̂₀) and categories drawn from the predicted
    /// softmax; few, large DP-SGD steps (expected batch 4096, 4 epochs, lr 0.02) on a smaller
    /// denoiser (hidden 64, 64). Its hyper-parameters are public defaults chosen by the developers on
    /// the public Adult data set, never tuned on the data being fitted.
    /// </summary>
    public static TableDiffusionOptions Default { get; } = new()
    {
        Preset = "default",
        Hidden = [64, 64],
        DiffusionSteps = 10,
        LevelsPerRecord = 3,
        SamplingSteps = 4,
        LearningRate = 0.02f,
        Beta1 = 0.9f,
        ExpectedBatchSize = 4096,
        Epochs = 4,
        Schedule = DiffusionSchedule.CosineVariancePreserving,
        Target = DiffusionTarget.Start,
        StepInput = true,
        SampleCategories = true,
        NumericEncoding = NumericTransform.Bins,
        MarginalsShare = 0.25,
    };

    /// <summary>
    /// Share of ε spent on DP one-way marginals of the softmax spans (<see cref="SpanMarginals"/>),
    /// which start the denoiser's head and calibrate sampling; 0 (the paper) releases none.
    /// </summary>
    public double MarginalsShare { get; init; }

    /// <summary>
    /// How continuous and integer columns are encoded: the paper's quantile transform to a normal,
    /// or bins learned like categories (the default preset: spikes such as a column's many zeros,
    /// and short integer ranges, are then reproduced exactly).
    /// </summary>
    public NumericTransform NumericEncoding { get; init; } = NumericTransform.QuantileNormal;

    /// <summary>Forward process: the paper's x_t = x₀ + √β_t·ξ, or variance preserving.</summary>
    public DiffusionSchedule Schedule { get; init; } = DiffusionSchedule.Paper;

    /// <summary>What the denoiser predicts: the noise ξ (paper), or x₀ on categorical spans and ξ on numeric columns.</summary>
    public DiffusionTarget Target { get; init; } = DiffusionTarget.Noise;

    /// <summary>Whether the denoiser sees the noise level t as a one-hot input appended to x_t.</summary>
    public bool StepInput { get; init; }

    /// <summary>Whether sampled categories are drawn from the predicted softmax (true) or taken by argmax.</summary>
    public bool SampleCategories { get; init; }

    /// <summary>Columns the denoiser reads for an encoded width: the row plus the step one-hot when enabled.</summary>
    public int InputWidth(int encodedWidth) => encodedWidth + (StepInput ? DiffusionSteps : 0);

    /// <summary>
    /// Coefficients of x_t = a_t·x₀ + s_t·ξ for t = 0..T−1. Paper: a = 1, s = √β_t. Variance
    /// preserving: ᾱ_t = cos²(π/2·(t+1+0.008·T)/(T·1.008)) clamped to [1e-4, 0.9999], a = √ᾱ, s = √(1−ᾱ).
    /// </summary>
    public (float[] Signal, float[] Noise) ForwardCoefficients()
    {
        int steps = DiffusionSteps;
        var a = new float[steps];
        var n = new float[steps];
        if (Schedule == DiffusionSchedule.Paper)
        {
            var betas = Betas();
            for (int t = 0; t < steps; t++) { a[t] = 1f; n[t] = (float)Math.Sqrt(betas[t]); }
            return (a, n);
        }
        for (int t = 0; t < steps; t++)
        {
            double c = Math.Cos(Math.PI / 2 * ((t + 1.0) / steps + 0.008) / 1.008);
            double alphaBar = Math.Clamp(c * c, 1e-4, 0.9999);
            a[t] = (float)Math.Sqrt(alphaBar);
            n[t] = (float)Math.Sqrt(1 - alphaBar);
        }
        return (a, n);
    }

    /// <summary>Noise levels each record is trained on per step (0: all T, as in the paper); fewer levels make a step cheaper while training still covers every level.</summary>
    public int LevelsPerRecord { get; init; }

    /// <summary>
    /// Levels the reverse process visits when sampling (0: all T). Fewer, evenly spaced levels
    /// (T−1 first, 0 last) make sampling proportionally cheaper; the mixed-head process only.
    /// </summary>
    public int SamplingSteps { get; init; }

    /// <summary>Name of the preset the options came from.</summary>
    public string Preset { get; init; } = "paper";

    /// <summary>Most residual-concat blocks a denoiser may have.</summary>
    public const int MaxHiddenLayers = 32;

    /// <summary>Widest residual-concat block a denoiser may have.</summary>
    public const int MaxHiddenWidth = 8192;

    /// <summary>
    /// Width of the linear projection a wide table's denoiser starts with (0: never project). Every
    /// residual-concat block passes its input through, so without it the head reads the whole encoded
    /// row and has (width + Σ hidden) × width weights, quadratic in the columns; with it the head reads
    /// this many features plus the blocks' and the network grows linearly. Only denoisers whose input
    /// is wider than <see cref="ProjectAbove"/> project, so narrow tables keep the published architecture.
    /// </summary>
    public int ProjectionWidth { get; init; } = 256;

    /// <summary>Input width (encoded row plus step one-hot) above which the denoiser projects: twice <see cref="ProjectionWidth"/>.</summary>
    public int ProjectAbove => 2 * ProjectionWidth;

    /// <summary>Whether the denoiser for an encoded width starts with the projection.</summary>
    public bool Projects(int encodedWidth) => ProjectionWidth > 0 && InputWidth(encodedWidth) > ProjectAbove;

    /// <summary>Widths of the residual-concat blocks.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128, 128];

    /// <summary>Number T of diffusion steps (noise levels).</summary>
    public int DiffusionSteps { get; init; } = 3;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 0.005f;

    /// <summary>Adam β₁.</summary>
    public float Beta1 { get; init; } = 0.5f;

    /// <summary>Adam β₂.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Expected Poisson batch size (capped at the row count).</summary>
    public int ExpectedBatchSize { get; init; } = 1024;

    /// <summary>Epochs; the noise is calibrated for exactly ⌈epochs / q⌉ steps, the steps that run.</summary>
    public double Epochs { get; init; } = 5;

    /// <summary>Per-example clip norm (one example = the T noised copies of one record).</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>The noise variances β_t, t = 0..T−1.</summary>
    public double[] Betas() => NoiseSchedule(DiffusionSteps);

    /// <summary>β_t = (1 − cos(π·t/T))/2 + 0.1 for t = 0..T−1 (Truda 2023).</summary>
    public static double[] NoiseSchedule(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "diffusion needs at least one step");
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = (1 - Math.Cos(Math.PI * t / steps)) / 2 + 0.1;
        return betas;
    }

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) throw new ArgumentException("TableDiffusion needs at least one positive hidden width.");
        // Sane limits, so that hyper-parameters read from a file cannot ask for an absurd network.
        if (Hidden.Count > MaxHiddenLayers || Hidden.Any(h => h > MaxHiddenWidth))
            throw new ArgumentException($"TableDiffusion takes at most {MaxHiddenLayers} hidden blocks of at most {MaxHiddenWidth} units, got [{string.Join(", ", Hidden)}]");
        if (ProjectionWidth < 0 || ProjectionWidth > MaxHiddenWidth) throw new ArgumentException($"the projection width must be in 0..{MaxHiddenWidth}, got {ProjectionWidth}");
        if (DiffusionSteps < 1 || DiffusionSteps > 1000) throw new ArgumentException($"diffusion steps must be in 1..1000, got {DiffusionSteps}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException("Adam betas must be in [0, 1)");
        if (ExpectedBatchSize < 1) throw new ArgumentException($"expected batch size must be positive, got {ExpectedBatchSize}");
        if (!(Epochs > 0) || double.IsInfinity(Epochs)) throw new ArgumentException($"epochs must be positive and finite, got {Epochs}");
        if (SamplingSteps < 0 || SamplingSteps > DiffusionSteps) throw new ArgumentException($"sampling steps must be in 0..{DiffusionSteps}, got {SamplingSteps}");
        if (LevelsPerRecord < 0 || LevelsPerRecord > DiffusionSteps) throw new ArgumentException($"levels per record must be in 0..{DiffusionSteps}, got {LevelsPerRecord}");
        if (!(MarginalsShare >= 0 && MarginalsShare < 1)) throw new ArgumentException($"the marginals share must be in [0, 1), got {MarginalsShare}");
        if (!(ClipNorm > 0) || float.IsInfinity(ClipNorm)) throw new ArgumentException($"clip norm must be positive and finite, got {ClipNorm}");
        if (Target == DiffusionTarget.Noise && (StepInput || Schedule != DiffusionSchedule.Paper))
            throw new ArgumentException("noise prediction is the paper's process: it takes neither a step input nor another schedule");
    }

    /// <summary>The preset called <paramref name="name"/> ("default" or "paper").</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static TableDiffusionOptions FromPreset(string name) => name switch
    {
        "default" => Default,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown preset '{name}' (expected default or paper)"),
    };

    /// <summary>The options as a JSON object (for the model file's hyper-parameters).</summary>
    public JsonObject ToJson() => new()
    {
        ["preset"] = Preset,
        ["hidden"] = new JsonArray(Hidden.Select(h => (JsonNode)h).ToArray()),
        ["projection_width"] = ProjectionWidth,
        ["diffusion_steps"] = DiffusionSteps,
        ["learning_rate"] = LearningRate,
        ["beta1"] = Beta1,
        ["beta2"] = Beta2,
        ["expected_batch_size"] = ExpectedBatchSize,
        ["epochs"] = Epochs,
        ["clip_norm"] = ClipNorm,
        ["schedule"] = Schedule == DiffusionSchedule.Paper ? "paper" : "cosine-vp",
        ["target"] = Target == DiffusionTarget.Noise ? "noise" : "x0",
        ["step_input"] = StepInput,
        ["sample_categories"] = SampleCategories,
        ["marginals_share"] = MarginalsShare,
        ["levels_per_record"] = LevelsPerRecord,
        ["sampling_steps"] = SamplingSteps,
        ["numeric_encoding"] = NumericEncoding switch
        {
            NumericTransform.QuantileNormal => "quantile-normal",
            NumericTransform.QuantileUniform => "quantile-uniform",
            NumericTransform.MinMax => "min-max",
            _ => "bins",
        },
    };

    /// <summary>Reads options written by <see cref="ToJson"/>; throws <see cref="FormatException"/> when a value is missing or invalid.</summary>
    public static TableDiffusionOptions FromJson(JsonObject o)
    {
        try
        {
            var options = new TableDiffusionOptions
            {
                Preset = o["preset"]!.GetValue<string>(),
                Hidden = o["hidden"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                DiffusionSteps = o["diffusion_steps"]!.GetValue<int>(),
                LearningRate = o["learning_rate"]!.GetValue<float>(),
                Beta1 = o["beta1"]!.GetValue<float>(),
                Beta2 = o["beta2"]!.GetValue<float>(),
                ExpectedBatchSize = o["expected_batch_size"]!.GetValue<int>(),
                Epochs = o["epochs"]!.GetValue<double>(),
                ClipNorm = o["clip_norm"]!.GetValue<float>(),
                // Absent in files written before these options existed: the paper's behaviour.
                Schedule = (o["schedule"]?.GetValue<string>() ?? "paper") switch
                {
                    "paper" => DiffusionSchedule.Paper,
                    "cosine-vp" => DiffusionSchedule.CosineVariancePreserving,
                    var x => throw new FormatException($"unknown schedule '{x}'"),
                },
                Target = (o["target"]?.GetValue<string>() ?? "noise") switch
                {
                    "noise" => DiffusionTarget.Noise,
                    "x0" => DiffusionTarget.Start,
                    var x => throw new FormatException($"unknown target '{x}'"),
                },
                StepInput = o["step_input"]?.GetValue<bool>() ?? false,
                SampleCategories = o["sample_categories"]?.GetValue<bool>() ?? false,
                MarginalsShare = o["marginals_share"]?.GetValue<double>() ?? 0,
                LevelsPerRecord = o["levels_per_record"]?.GetValue<int>() ?? 0,
                SamplingSteps = o["sampling_steps"]?.GetValue<int>() ?? 0,
                // Files written before wide tables were projected hold denoisers without the projection.
                ProjectionWidth = o["projection_width"]?.GetValue<int>() ?? 0,
                NumericEncoding = (o["numeric_encoding"]?.GetValue<string>() ?? "quantile-normal") switch
                {
                    "quantile-normal" => NumericTransform.QuantileNormal,
                    "quantile-uniform" => NumericTransform.QuantileUniform,
                    "min-max" => NumericTransform.MinMax,
                    "bins" => NumericTransform.Bins,
                    var x => throw new FormatException($"unknown numeric encoding '{x}'"),
                },
            };
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new FormatException("TableDiffusion hyper-parameters are missing or invalid: " + e.Message, e);
        }
    }
}

/// <summary>The forward (noising) process of TableDiffusion.</summary>
public enum DiffusionSchedule
{
    /// <summary>x_t = x₀ + √β_t·ξ with the paper's β_t.</summary>
    Paper,
    /// <summary>x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ξ with a cosine ᾱ (Nichol &amp; Dhariwal 2021).</summary>
    CosineVariancePreserving,
}

/// <summary>What the denoiser predicts.</summary>
public enum DiffusionTarget
{
    /// <summary>The noise ξ, trained with MSE (paper).</summary>
    Noise,
    /// <summary>x₀ on categorical spans (cross-entropy) and the noise ξ on numeric columns (MSE).</summary>
    Start,
}
