using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// Hyper-parameters of DP-WGAN, the GAN baseline of Truda 2023 with its defects removed: a
/// Wasserstein critic without a sigmoid whose layers are spectrally normalised (so it is
/// 1-Lipschitz up to the power-iteration estimate), trained with DP-SGD on real rows; a generator
/// trained only through the critic; <see cref="CriticStepsPerGeneratorStep"/> critic steps per
/// generator step. The defaults are public choices: published WGAN and CTGAN practice (n_critic 5,
/// Adam β = (0.5, 0.9), LeakyReLU 0.2, Gumbel-softmax τ = 0.2, CTGAN's residual generator) and a
/// small search (critic width, learning rates, epochs) on the built-in clinic simulator at ε = 1 —
/// never tuned on the data being fitted.
/// </summary>
public sealed record DpWganOptions
{
    /// <summary>The defaults.</summary>
    public static DpWganOptions Default { get; } = new();

    /// <summary>How numeric columns are encoded; bins (the default) make every column a softmax span, like TableDiffusion's default preset.</summary>
    public NumericTransform NumericEncoding { get; init; } = NumericTransform.Bins;

    /// <summary>Width of the generator's Gaussian input z.</summary>
    public int LatentWidth { get; init; } = 64;

    /// <summary>Widths of the generator's residual-concat blocks (Linear → LayerNorm → ReLU, concatenated with their input).</summary>
    public IReadOnlyList<int> GeneratorHidden { get; init; } = [128, 128];

    /// <summary>
    /// Widths of the critic's hidden spectral-norm layers (LeakyReLU). Small on purpose: DP-SGD's
    /// noise norm grows with √(parameters), and at ε ≈ 1 a wide critic's gradient is mostly noise.
    /// </summary>
    public IReadOnlyList<int> CriticHidden { get; init; } = [32];

    /// <summary>Slope of the critic's LeakyReLU (1-Lipschitz for slopes in (0, 1]).</summary>
    public float LeakySlope { get; init; } = 0.2f;

    /// <summary>Expected Poisson batch of real rows per critic step (capped at the row count); generated batches have this size too.</summary>
    public int ExpectedBatchSize { get; init; } = 1024;

    /// <summary>Epochs of critic training; the noise is calibrated for exactly ⌈epochs / q⌉ critic steps, the steps that run.</summary>
    public double Epochs { get; init; } = 10;

    /// <summary>Critic steps (private) per generator step (free): WGAN's n_critic.</summary>
    public int CriticStepsPerGeneratorStep { get; init; } = 5;

    /// <summary>Adam learning rate of the critic.</summary>
    public float CriticLearningRate { get; init; } = 1e-2f;

    /// <summary>Adam learning rate of the generator: well below the critic's, so that the generator does not outrun a critic that learns slowly through the noise.</summary>
    public float GeneratorLearningRate { get; init; } = 3e-4f;

    /// <summary>Adam β₁ of both networks.</summary>
    public float Beta1 { get; init; } = 0.5f;

    /// <summary>Adam β₂ of both networks.</summary>
    public float Beta2 { get; init; } = 0.9f;

    /// <summary>Per-example clip norm of the critic's gradient on a real row.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>
    /// Temperature τ of the generator's Gumbel-softmax head in training (CTGAN's 0.2); 0 trains on
    /// the plain softmax. Sampling always draws categories from the plain softmax.
    /// </summary>
    public float GumbelTemperature { get; init; } = 0.2f;

    /// <summary>Whether sampled categories are drawn from the generator's softmax (true) or taken by argmax.</summary>
    public bool SampleCategories { get; init; } = true;

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (LatentWidth < 1) throw new ArgumentException($"the latent width must be positive, got {LatentWidth}");
        if (GeneratorHidden.Count == 0 || GeneratorHidden.Any(h => h < 1)) throw new ArgumentException("the generator needs at least one positive hidden width");
        if (CriticHidden.Count == 0 || CriticHidden.Any(h => h < 1)) throw new ArgumentException("the critic needs at least one positive hidden width");
        if (!(LeakySlope > 0 && LeakySlope <= 1)) throw new ArgumentException($"the LeakyReLU slope must be in (0, 1] to keep the critic 1-Lipschitz, got {LeakySlope}");
        if (ExpectedBatchSize < 1) throw new ArgumentException($"the expected batch size must be positive, got {ExpectedBatchSize}");
        if (!(Epochs > 0) || double.IsInfinity(Epochs)) throw new ArgumentException($"epochs must be positive and finite, got {Epochs}");
        if (CriticStepsPerGeneratorStep < 1) throw new ArgumentException($"critic steps per generator step must be at least 1, got {CriticStepsPerGeneratorStep}");
        if (!(CriticLearningRate > 0) || !(GeneratorLearningRate > 0)) throw new ArgumentException("learning rates must be positive");
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException("Adam betas must be in [0, 1)");
        if (!(GumbelTemperature >= 0) || float.IsInfinity(GumbelTemperature)) throw new ArgumentException($"the Gumbel temperature must be finite and non-negative, got {GumbelTemperature}");
        if (!(ClipNorm > 0) || float.IsInfinity(ClipNorm)) throw new ArgumentException($"clip norm must be positive and finite, got {ClipNorm}");
    }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Kebab-case, integers refused. One generic converter per enum (the non-generic factory needs reflection, absent
        // in NativeAOT); an enum added to the options needs its own here, or SourceGeneratedJsonTests fails.
        Converters = { new JsonStringEnumConverter<NumericTransform>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = ModelsJsonContext.Default,
    };

    /// <summary>The options as a JSON object (for the model file's hyper-parameters).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, JsonOptions.TypeInfo<DpWganOptions>())!.AsObject();

    /// <summary>Reads options written by <see cref="ToJson"/>; every value must be present and valid.</summary>
    /// <exception cref="FormatException">A value is missing, unknown or invalid.</exception>
    public static DpWganOptions FromJson(JsonObject o)
    {
        try
        {
            // Every option must be written: a file that omits one would silently take today's default.
            foreach (var (name, _) in Default.ToJson())
                if (!o.ContainsKey(name)) throw new FormatException($"'{name}' is missing");
            var options = o.Deserialize(JsonOptions.TypeInfo<DpWganOptions>()) ?? throw new FormatException("the options are empty");
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            throw new FormatException("DP-WGAN hyper-parameters are missing or invalid: " + e.Message, e);
        }
    }
}
