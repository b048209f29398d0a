using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// The Lipschitz-constrained VAE in the generator registry (kind <c>lvae</c>). <c>fit</c> trains it with
/// DP-SGD; <c>sample</c> is prior mode; <c>release-twins</c> is twins mode (<see cref="TwinsRelease"/>).
/// Statistics the schema does not declare public are estimated with DP, so every schema is accepted.
/// </summary>
public sealed class LipschitzVaeGenerator : Generator
{
    private static readonly GeneratorSetting[] Known =
    [
        new("lipschitz", "Lipschitz target L of the encoder mean (default 1)"),
        new("latent-sigma", "latent noise sigma during training, in (0, 1) (default 0.5; the release picks its own)"),
        new("latent-width", "latent dimensions (default 8)"),
        new("beta", "weight of the KL term (default 1)"),
        new("epochs", "passes over the data (default 20; noise is calibrated for the steps this gives)"),
        new("batch-size", "expected Poisson batch size (default 4096)"),
        new("learning-rate", "Adam learning rate (default 0.02)"),
        new("decoder-sigma", "sd of the decoder's Gaussian on [0, 1]-scaled numerics at sampling (default 0.2)"),
    ];

    /// <inheritdoc />
    public override string Kind => LipschitzVaeModel.KindName;

    /// <inheritdoc />
    public override string Description => "Lipschitz-constrained VAE (Gross & Wunder 2023): DP-SGD-trained VAE whose certified encoder makes its latent noise a Gaussian mechanism; sample = prior mode, release-twins = per-record twins";

    /// <inheritdoc />
    public override IReadOnlyList<GeneratorSetting> Settings => Known;

    /// <summary>The hyper-parameters a request's settings give.</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid.</exception>
    public LipschitzVaeOptions Options(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reader = new SettingsReader(Kind, request.Settings, Known);
        var options = new LipschitzVaeOptions();
        if (reader.Positive("lipschitz") is double l) options = options with { Lipschitz = l };
        if (reader.Positive("latent-sigma") is double s) options = options with { LatentSigma = s };
        if (reader.Int("latent-width", 1, 1024) is int d) options = options with { LatentWidth = d };
        if (reader.Positive("beta") is double b) options = options with { Beta = b };
        if (reader.Positive("epochs") is double e) options = options with { Epochs = e };
        if (reader.Positive("decoder-sigma") is double ds) options = options with { DecoderSigma = ds };
        if (reader.Int("batch-size", 1, 1 << 20) is int batch) options = options with { ExpectedBatchSize = batch };
        if (reader.Positive("learning-rate") is double lr) options = options with { LearningRate = (float)lr };
        reader.Finish();
        options.Validate();
        return options;
    }

    /// <inheritdoc />
    protected override void ValidateSettings(FitRequest request) => Options(request);

    /// <inheritdoc />
    protected override FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        LipschitzVaeFitter.Fit(table, schema, request, Options(request), backend!, progress, cancellation);

    /// <inheritdoc />
    public override FittedModel Load(ModelFileContent content, string path) => LipschitzVaeModel.FromContent(content, path);
}
