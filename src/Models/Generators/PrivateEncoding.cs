using DpSynth.Kernels.Random;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tabular.Inference;
using DpSynth.Models.Training;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators;

/// <summary>
/// What <see cref="PrivateEncoding.FitEncoder"/> returns: the fit's plan (its ledger holds every stage
/// so far), the table read under the schema used (typed by inference when there was no schema), the
/// schema and the encoder.
/// </summary>
internal sealed record PrivateEncoder(PrivacyPlan Plan, Table Table, TableSchema Schema, TableEncoder Encoder);

/// <summary>What <see cref="PrivateEncoding.Fit"/> returns: <see cref="PrivateEncoder"/> and the encoded rows.</summary>
internal sealed record PrivateEncodingResult(PrivacyPlan Plan, TableSchema Schema, TableEncoder Encoder, EncodedTable Encoded);

/// <summary>
/// The start of every fit over encoded rows, in ledger order: the privacy plan and its row count
/// (DP, or declared public), DP schema inference when there is no schema, then the encoder, whose
/// private statistics are stages spent from the preprocessing share; then the encoded rows.
/// </summary>
internal static class PrivateEncoding
{
    /// <summary>Plans the fit, infers the schema with DP when <paramref name="schema"/> is null, fits the encoder and encodes the table.</summary>
    /// <inheritdoc cref="FitEncoder"/>
    public static PrivateEncodingResult Fit(Table table, TableSchema? schema, NumericTransform numeric, EncodedFitRequest request, double marginalsShare = 0)
    {
        var (plan, typed, fitted, encoder) = FitEncoder(table, schema, numeric, request, marginalsShare);
        return new PrivateEncodingResult(plan, fitted, encoder, encoder.Encode(typed));
    }

    /// <summary>
    /// Plans the fit, infers the schema with DP when <paramref name="schema"/> is null and fits the
    /// encoder, but encodes nothing: for a generator that sizes its memory from the encoder first.
    /// </summary>
    /// <param name="table">The private table (read untyped when <paramref name="schema"/> is null).</param>
    /// <param name="schema">The schema; anything it does not declare public is estimated with DP. Null: inferred with DP.</param>
    /// <param name="numeric">How numeric columns are encoded.</param>
    /// <param name="request">The budget and settings.</param>
    /// <param name="marginalsShare">Share of ε for marginals the generator releases before training (0: none).</param>
    /// <param name="progress">Receives the encoder's progress, column by column; optional.</param>
    public static PrivateEncoder FitEncoder(Table table, TableSchema? schema, NumericTransform numeric, EncodedFitRequest request, double marginalsShare = 0,
        IProgress<TrainingProgress>? progress = null)
    {
        var plan = FitPlanning.Start(table, schema, request.Epsilon, request.Delta, request.Seed, new PlanShares
        {
            Preprocessing = request.PreprocessingShare,
            Marginals = marginalsShare,
        });
        // One stream for the DP statistics of preprocessing, used in turn by schema inference and the encoder.
        IRandomSource random = request.Seed is ulong seed ? new SeededRandomSource(seed ^ NoiseStreams.EncoderSalt) : new CryptoRandomSource();
        double preprocessing = plan.PreprocessingEpsilon;
        bool inferred = schema is null;
        if (schema is null)
        {
            if (!(preprocessing > 0)) throw new ArgumentException("fitting without a schema infers it with DP and needs a preprocessing share of epsilon above 0");
            (double shapeSigma, preprocessing) = PreprocessingBudget.SplitForInference(preprocessing, request.Delta, null, table.Columns.Count);
            (table, schema) = PrivateSchemaInference.Infer(table, shapeSigma, random, plan.Ledger);
        }
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Numeric = numeric,
            Epsilon = preprocessing,
            DecideMissingFlags = inferred,
            LearnPrecision = !inferred,
            Random = random,
            SchemaFile = request.SchemaFile,
            Faults = request.Faults,
            Progress = PreprocessingProgress.For(progress, "fitting the encoder: column", schema.ModelledColumns.Count(), plan.Ledger),
        }, plan.Ledger);
        if (inferred) schema = PrivateSchemaInference.WithMissingFlags(schema, encoder);
        return new PrivateEncoder(plan, table, schema, encoder);
    }
}
