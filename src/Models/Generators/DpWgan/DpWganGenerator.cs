using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// DP-WGAN (the GAN baseline of Truda 2023, done correctly) in the generator registry: settings
/// <c>epochs</c> and <c>n-critic</c>; fits with <see cref="DpWganFitter"/>. Statistics the schema
/// does not declare public are estimated with DP (TableDiffusion's encoder), so every schema is accepted.
/// </summary>
public sealed class DpWganGenerator : Generator
{
    private static readonly GeneratorSetting[] Known =
    [
        new("epochs", "passes of the critic over the data (default 10; noise is calibrated for the critic steps this gives)"),
        new("n-critic", "private critic steps per free generator step (default 5)"),
    ];

    /// <inheritdoc />
    public override string Kind => DpWganModel.KindName;

    /// <inheritdoc />
    public override string Description => "DP Wasserstein GAN baseline: a spectrally normalised critic trained with DP-SGD, a generator trained only through it; estimates undeclared bounds and categories with DP";

    /// <inheritdoc />
    public override IReadOnlyList<GeneratorSetting> Settings => Known;

    /// <summary>The hyper-parameters a request's settings give (the defaults unless a setting overrides them).</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid.</exception>
    public DpWganOptions Options(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reader = new SettingsReader(Kind, request.Settings, Known);
        var options = DpWganOptions.Default;
        if (reader.Positive("epochs") is double epochs) options = options with { Epochs = epochs };
        if (reader.Int("n-critic", 1, 1000) is int critic) options = options with { CriticStepsPerGeneratorStep = critic };
        reader.Finish();
        options.Validate();
        return options;
    }

    /// <inheritdoc />
    protected override void ValidateSettings(FitRequest request) => Options(request);

    /// <inheritdoc />
    public override bool InfersSchemaWithDp => true;

    /// <inheritdoc />
    protected override FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) => FitDpWgan(table, schema, request, backend, progress, cancellation);

    /// <inheritdoc />
    protected override FittedModel FitWithoutSchema(Table table, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) => FitDpWgan(table, null, request, backend, progress, cancellation);

    private FittedModel FitDpWgan(Table table, TableSchema? schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        DpWganFitter.Fit(table, schema, new DpWganFitRequest
        {
            Epsilon = request.Epsilon,
            Delta = request.Delta,
            Options = Options(request),
            Seed = request.Seed,
            SchemaFile = request.SchemaFile,
            Faults = request.Faults,
        }, backend!, progress, cancellation);

    /// <inheritdoc />
    public override FittedModel Load(ModelFileContent content, string path) => DpWganModel.FromContent(content, path);
}
