using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// TableDiffusion (Truda 2023) in the generator registry: settings <c>preset</c> (default or paper,
/// see <see cref="TableDiffusionOptions"/>) and <c>epochs</c>; fits with <see cref="TableDiffusionFitter"/>.
/// Statistics the schema does not declare public are estimated with DP, so every schema is accepted,
/// and without a schema it infers one with DP (<see cref="Tabular.Inference.PrivateSchemaInference"/>).
/// </summary>
public sealed class TableDiffusionGenerator : Generator
{
    private static readonly GeneratorSetting[] Known =
    [
        new("preset", "default (DpSynth's improved process, the default) or paper (Truda 2023 as published)"),
        new("epochs", "passes over the data; overrides the preset's (noise is calibrated for the steps this gives)"),
    ];

    /// <inheritdoc />
    public override string Kind => TableDiffusionModel.KindName;

    /// <inheritdoc />
    public override string Description => "DP diffusion model for mixed-type tables (Truda 2023): a denoising MLP trained with DP-SGD; estimates undeclared bounds and categories with DP";

    /// <inheritdoc />
    public override IReadOnlyList<GeneratorSetting> Settings => Known;

    /// <summary>The hyper-parameters a request's settings give (the default preset unless <c>preset</c> says otherwise).</summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid.</exception>
    public TableDiffusionOptions Options(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reader = new SettingsReader(Kind, request.Settings, Known);
        var options = TableDiffusionOptions.FromPreset(reader.Choice("preset", "default", "paper") ?? "default");
        if (reader.Positive("epochs") is double epochs) options = options with { Epochs = epochs };
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
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) => FitTableDiffusion(table, schema, request, backend, progress, cancellation);

    /// <inheritdoc />
    protected override FittedModel FitWithoutSchema(Table table, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) => FitTableDiffusion(table, null, request, backend, progress, cancellation);

    private FittedModel FitTableDiffusion(Table table, TableSchema? schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        TableDiffusionFitter.Fit(table, schema, new TableDiffusionFitRequest
        {
            Epsilon = request.Epsilon,
            Delta = request.Delta,
            Options = Options(request),
            Seed = request.Seed,
            SchemaFile = request.SchemaFile,
        }, backend!, progress, cancellation);

    /// <inheritdoc />
    public override FittedModel Load(ModelFileContent content, string path) => TableDiffusionModel.FromContent(content, path);
}
