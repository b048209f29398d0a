using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators;

/// <summary>
/// A kind of DP generator (TableDiffusion, DPVI, …): its name, a one-line description, the settings it
/// takes, how to fit it on a private table and how to load a fitted model of its kind from a model
/// file. Commands, the twin study and the contract tests reach generators only through this class
/// and <see cref="GeneratorRegistry"/>.
/// </summary>
/// <remarks>
/// <see cref="Fit"/> is the one entry point and runs the public checks first, in a fixed order:
/// the budget and the settings, then the schema's suitability for the generator, then the table's
/// column names and kinds against the schema — so that a bad budget, a bad setting or a schema
/// mismatch is refused before any private value is read. Only then does <see cref="FitChecked"/> run.
/// </remarks>
public abstract class Generator
{
    /// <summary>The kind written into model files and named on the command line, e.g. "tablediffusion".</summary>
    public abstract string Kind { get; }

    /// <summary>What the generator is, in one line (for <c>dpsynth models</c>).</summary>
    public abstract string Description { get; }

    /// <summary>The generator-specific settings it takes (<see cref="FitRequest.Settings"/>).</summary>
    public virtual IReadOnlyList<GeneratorSetting> Settings => [];

    /// <summary>Whether fitting and sampling run on the compute backend (false: on the host CPU, the backend is ignored).</summary>
    public virtual bool UsesBackend => true;

    /// <summary>
    /// Whether <see cref="Fit"/> accepts a table read without a schema (a null schema): the generator
    /// then infers one with DP, every decision a stage of its ledger (the header is public).
    /// </summary>
    public virtual bool InfersSchemaWithDp => false;

    /// <summary>Checks the budget and the settings, without the schema or the data.</summary>
    /// <exception cref="ArgumentException">The budget or a setting is invalid; the message names it.</exception>
    public void Validate(FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ValidateBudget();
        ValidateSettings(request);
    }

    /// <summary>Checks the budget, the settings and whether the schema gives the generator what it needs (e.g. public category sets), without the data.</summary>
    /// <exception cref="ArgumentException">Something is invalid or missing; the message names it (the column, for the schema).</exception>
    public void Validate(TableSchema schema, FitRequest request)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Validate(request);
        ValidateSchema(schema, request);
    }

    /// <summary>
    /// Fits the generator on a private table under (ε, δ): every use of the data is a stage of the
    /// returned model's ledger, whose composed ε stays within the budget.
    /// </summary>
    /// <param name="table">The private table, read under <paramref name="schema"/> (read without one when it is null).</param>
    /// <param name="schema">
    /// The schema; what it does not declare public is estimated with DP (or refused, when the
    /// generator cannot). Null: the generator infers it with DP where <see cref="InfersSchemaWithDp"/>, else refuses.
    /// </param>
    /// <param name="request">Budget, seed and settings.</param>
    /// <param name="backend">Compute backend; required where <see cref="UsesBackend"/> is true, ignored (may be null) elsewhere.</param>
    /// <param name="progress">Training progress (ε so far); optional.</param>
    /// <param name="cancellation">Cancels the fit.</param>
    /// <exception cref="ArgumentException">The budget, a setting or the schema is refused (before any private value is read).</exception>
    /// <exception cref="TableFormatException">The table does not match the schema, or holds a value it does not allow.</exception>
    public FittedModel Fit(Table table, TableSchema? schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (UsesBackend) ArgumentNullException.ThrowIfNull(backend);
        if (schema is null)
        {
            Validate(request);
            if (!InfersSchemaWithDp) throw new ArgumentException($"the {Kind} generator needs a schema (it cannot infer one with DP)");
            return FitWithoutSchema(table, request, backend, progress, cancellation);
        }
        Validate(schema, request);
        SchemaMatch.Check(table, schema);
        return FitChecked(table, schema, request, backend, progress, cancellation);
    }

    /// <summary>Loads a fitted model of this kind from a model file's content (the kind was checked by the caller).</summary>
    /// <param name="content">What the file holds.</param>
    /// <param name="path">The file, for errors.</param>
    /// <exception cref="ModelFileException">The content is incomplete or inconsistent.</exception>
    public abstract FittedModel Load(ModelFileContent content, string path);

    /// <summary>Refuses an unknown or invalid setting (<see cref="SettingsReader"/>).</summary>
    protected abstract void ValidateSettings(FitRequest request);

    /// <summary>Refuses a schema that lacks what the generator needs; the default accepts every schema.</summary>
    protected virtual void ValidateSchema(TableSchema schema, FitRequest request) { }

    /// <summary>The fit proper; the request, the schema and the table's columns have been checked (and the backend is set when <see cref="UsesBackend"/>).</summary>
    protected abstract FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation);

    /// <summary>The fit on a table read without a schema (<see cref="InfersSchemaWithDp"/>); the request has been checked.</summary>
    protected virtual FittedModel FitWithoutSchema(Table table, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        throw new NotSupportedException($"the {Kind} generator cannot infer a schema");

    /// <summary>Seconds since <paramref name="start"/> (a <see cref="Stopwatch"/> timestamp), for <see cref="FitTimings"/>.</summary>
    protected static double SecondsSince(long start) => Stopwatch.GetElapsedTime(start).TotalSeconds;
}
