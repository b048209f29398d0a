using System.Text.Json.Nodes;

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

    /// <summary>Name of the preset the options came from.</summary>
    public string Preset { get; init; } = "paper";

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
        if (DiffusionSteps < 1 || DiffusionSteps > 1000) throw new ArgumentException($"diffusion steps must be in 1..1000, got {DiffusionSteps}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException("Adam betas must be in [0, 1)");
        if (ExpectedBatchSize < 1) throw new ArgumentException($"expected batch size must be positive, got {ExpectedBatchSize}");
        if (!(Epochs > 0) || double.IsInfinity(Epochs)) throw new ArgumentException($"epochs must be positive and finite, got {Epochs}");
        if (!(ClipNorm > 0) || float.IsInfinity(ClipNorm)) throw new ArgumentException($"clip norm must be positive and finite, got {ClipNorm}");
    }

    /// <summary>The options as a JSON object (for the model file's hyper-parameters).</summary>
    public JsonObject ToJson() => new()
    {
        ["preset"] = Preset,
        ["hidden"] = new JsonArray(Hidden.Select(h => (JsonNode)h).ToArray()),
        ["diffusion_steps"] = DiffusionSteps,
        ["learning_rate"] = LearningRate,
        ["beta1"] = Beta1,
        ["beta2"] = Beta2,
        ["expected_batch_size"] = ExpectedBatchSize,
        ["epochs"] = Epochs,
        ["clip_norm"] = ClipNorm,
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
