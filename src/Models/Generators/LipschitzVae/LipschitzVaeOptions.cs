using System.Globalization;
using System.Text.Json.Nodes;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// Hyper-parameters of the Lipschitz-constrained VAE (Groß &amp; Wunder 2023, built from first
/// principles): encoder of spectrally normalised linear layers with ReLU, scaled by the Lipschitz
/// target L; a fixed public latent σ; a free decoder (linear + ReLU) with softmax heads on the
/// categorical spans; ELBO (squared error on numerics, cross-entropy on spans, β·KL) trained by DP-SGD.
/// </summary>
public sealed record LipschitzVaeOptions
{
    /// <summary>Hidden widths of the encoder (each a spectral-norm linear layer with ReLU).</summary>
    public int[] EncoderHidden { get; init; } = [128];

    /// <summary>Latent width.</summary>
    public int LatentWidth { get; init; } = 8;

    /// <summary>Hidden widths of the decoder.</summary>
    public int[] DecoderHidden { get; init; } = [128, 128];

    /// <summary>The encoder mean's Lipschitz target L (public).</summary>
    public double Lipschitz { get; init; } = 1;

    /// <summary>σ of the latent noise during training (public; the release chooses its own).</summary>
    public double LatentSigma { get; init; } = 0.5;

    /// <summary>
    /// Standard deviation s of the decoder's Gaussian on numeric values at sampling: x = reflect(f(z) + s·ξ)
    /// into [0, 1]. Without it every numeric is the decoder's conditional mean and the marginals collapse
    /// (a public constant; sampling is post-processing).
    /// </summary>
    public double DecoderSigma { get; init; } = 0.2;

    /// <summary>Weight β of the KL term.</summary>
    public double Beta { get; init; } = 1;

    /// <summary>Passes over the data.</summary>
    public double Epochs { get; init; } = 20;

    /// <summary>Expected Poisson batch size.</summary>
    public int ExpectedBatchSize { get; init; } = 4096;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 0.02f;

    /// <summary>Per-example clip norm.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Share of ε for the encoder's private statistics (bounds, quantile grids, categories).</summary>
    public double PreprocessingShare { get; init; } = 0.2;

    /// <summary>
    /// Prior variance τ² of the encoder means assumed by twins mode's post-processing (the Bayes
    /// posterior of μ given the released z, see <see cref="LipschitzVaeSampler"/>): 1 − σ² when the KL
    /// term holds the aggregate latent at N(0, I).
    /// </summary>
    public double MeanPriorVariance => Math.Max(0.05, 1 - LatentSigma * LatentSigma);

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        if (EncoderHidden.Any(h => h < 1) || DecoderHidden.Any(h => h < 1) || LatentWidth < 1)
            throw new ArgumentException("lvae: layer widths must be at least 1");
        if (!(Lipschitz > 0) || !double.IsFinite(Lipschitz)) throw new ArgumentException($"lvae setting lipschitz: expected a positive number, got {F(Lipschitz)}");
        if (!(LatentSigma > 0 && LatentSigma < 1)) throw new ArgumentException($"lvae setting latent-sigma: expected a number in (0, 1) (the prior is N(0, I)), got {F(LatentSigma)}");
        if (!(DecoderSigma >= 0 && DecoderSigma <= 1)) throw new ArgumentException($"lvae setting decoder-sigma: expected a number in [0, 1], got {F(DecoderSigma)}");
        if (!(Beta >= 0) || !double.IsFinite(Beta)) throw new ArgumentException($"lvae setting beta: expected a non-negative number, got {F(Beta)}");
        if (!(Epochs > 0) || !double.IsFinite(Epochs)) throw new ArgumentException($"lvae setting epochs: expected a positive number, got {F(Epochs)}");
        if (ExpectedBatchSize < 1) throw new ArgumentException($"lvae: the expected batch size must be at least 1, got {ExpectedBatchSize}");
        if (!(PreprocessingShare >= 0 && PreprocessingShare < 1)) throw new ArgumentException($"lvae: the preprocessing share must be in [0, 1), got {F(PreprocessingShare)}");
    }

    /// <summary>The options as the model file's hyper-parameters.</summary>
    public JsonObject ToJson() => new()
    {
        ["encoder_hidden"] = new JsonArray(EncoderHidden.Select(h => (JsonNode)h).ToArray()),
        ["latent_width"] = LatentWidth,
        ["decoder_hidden"] = new JsonArray(DecoderHidden.Select(h => (JsonNode)h).ToArray()),
        ["lipschitz"] = Lipschitz,
        ["latent_sigma"] = LatentSigma,
        ["beta"] = Beta,
        ["decoder_sigma"] = DecoderSigma,
        ["epochs"] = Epochs,
        ["expected_batch_size"] = ExpectedBatchSize,
        ["learning_rate"] = LearningRate,
        ["clip_norm"] = ClipNorm,
        ["preprocessing_share"] = PreprocessingShare,
    };

    /// <summary>Reads options written by <see cref="ToJson"/>; throws <see cref="FormatException"/> when a value is missing or invalid.</summary>
    public static LipschitzVaeOptions FromJson(JsonObject o)
    {
        ArgumentNullException.ThrowIfNull(o);
        try
        {
            var options = new LipschitzVaeOptions
            {
                EncoderHidden = o["encoder_hidden"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                LatentWidth = o["latent_width"]!.GetValue<int>(),
                DecoderHidden = o["decoder_hidden"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                Lipschitz = o["lipschitz"]!.GetValue<double>(),
                LatentSigma = o["latent_sigma"]!.GetValue<double>(),
                Beta = o["beta"]!.GetValue<double>(),
                DecoderSigma = o["decoder_sigma"]!.GetValue<double>(),
                Epochs = o["epochs"]!.GetValue<double>(),
                ExpectedBatchSize = o["expected_batch_size"]!.GetValue<int>(),
                LearningRate = o["learning_rate"]!.GetValue<float>(),
                ClipNorm = o["clip_norm"]!.GetValue<float>(),
                PreprocessingShare = o["preprocessing_share"]!.GetValue<double>(),
            };
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new FormatException($"the lvae hyper-parameters are missing a value or hold an invalid one ({e.Message})", e);
        }
    }
}
