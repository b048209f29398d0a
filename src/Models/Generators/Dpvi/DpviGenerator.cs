using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// The DPVI twin generator (Prediger et al. 2023) in the generator registry: settings <c>outcome</c>,
/// <c>family</c>, <c>epochs</c> and <c>components</c>; fits with <see cref="DpviFitter"/> on the host
/// CPU. It spends nothing on discovering the columns, so a schema without public category sets and
/// bounds is refused with one line naming the column.
/// </summary>
public sealed class DpviGenerator : Generator
{
    private static readonly GeneratorSetting[] Known =
    [
        new("outcome", "the column regressed on the others (default: the schema's label column, if any)"),
        new("family", "poisson or logistic (default: from the outcome's kind)"),
        new("epochs", "passes over the data; overrides the family's default (noise is calibrated for the steps this gives)"),
        new("components", "mixture components K, 1..1024 (default 16)"),
    ];

    /// <inheritdoc />
    public override string Kind => DpviModel.KindName;

    /// <inheritdoc />
    public override string Description => "DP variational mixture with an outcome regression (Prediger et al. 2023); each copy its own posterior draw; needs public category sets and bounds";

    /// <inheritdoc />
    public override IReadOnlyList<GeneratorSetting> Settings => Known;

    /// <inheritdoc />
    public override bool UsesBackend => false;

    /// <summary>
    /// The DPVI request a generic request gives under <paramref name="schema"/>: the family's default
    /// options (<see cref="DpviOptions.DefaultFor"/>, the family inferred from the schema when not
    /// given) with the settings applied. Without a schema the family's default cannot be known and
    /// <see cref="DpviOptions.Default"/> is used (for validating the settings only).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is unknown or invalid, or the schema lacks what DPVI needs (naming the column).</exception>
    public DpviFitRequest Request(FitRequest request, TableSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reader = new SettingsReader(Kind, request.Settings, Known);
        string? outcome = reader.Text("outcome");
        DpviOutcomeFamily? family = reader.Choice("family", "poisson", "logistic") is string f ? DpviModel.ParseFamily(f) : null;
        double? epochs = reader.Positive("epochs");
        int? components = reader.Int("components", 1, 1024);
        reader.Finish();
        var resolved = family ?? (schema is null ? null
            : DpviLayout.Create(schema, outcome, null, DpviOptions.Default, request.SchemaFile).Outcome?.Family);
        var options = resolved is DpviOutcomeFamily r ? DpviOptions.DefaultFor(r) : DpviOptions.Default;
        if (epochs is double e) options = options with { Epochs = e };
        if (components is int k) options = options with { Components = k };
        var dpvi = new DpviFitRequest
        {
            Epsilon = request.Epsilon,
            Delta = request.Delta,
            Outcome = outcome,
            Family = family,
            Options = options,
            Seed = request.Seed,
            SchemaFile = request.SchemaFile,
            Faults = request.Faults,
        };
        dpvi.Validate();
        if (schema is not null) DpviLayout.Create(schema, outcome, family, options, request.SchemaFile);
        return dpvi;
    }

    /// <inheritdoc />
    protected override void ValidateSettings(FitRequest request) => Request(request, null);

    /// <inheritdoc />
    protected override void ValidateSchema(TableSchema schema, FitRequest request) => Request(request, schema);

    /// <inheritdoc />
    protected override FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        DpviFitter.Fit(table, schema, Request(request, schema), progress, cancellation);

    /// <inheritdoc />
    public override FittedModel Load(ModelFileContent content, string path) => DpviModel.FromContent(content, path);
}
