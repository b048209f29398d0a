using System.Globalization;
using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tabular.Inference;
using DpSynth.Models.Training;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>The privacy budget and run settings of one TableDiffusion fit.</summary>
public sealed record TableDiffusionFitRequest : EncodedFitRequest
{
    /// <summary>Hyper-parameters (the paper preset by default).</summary>
    public TableDiffusionOptions Options { get; init; } = TableDiffusionOptions.Paper;

    /// <summary>Memory the fit may use (null: what the runtime reports for this machine); a fit estimated to need more is refused before it allocates.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Checks the budget and the hyper-parameters; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public override void Validate()
    {
        base.Validate();
        Options.Validate();
    }
}

/// <summary>
/// Fits TableDiffusion on a private table through a <see cref="PrivacyPlan"/>: the row count first
/// (a DP count unless the schema declares it public), the encoder's private statistics (each a ledger
/// stage from the preprocessing share of ε) and the span marginals, then DP-SGD on the denoiser with σ calibrated for
/// exactly the steps that run from the ε left, so that the ledger's composed ε stays within the
/// budget. δ is the user's throughout.
/// </summary>
public static class TableDiffusionFitter
{
    /// <summary>Fits a model.</summary>
    /// <param name="table">The private table, read under <paramref name="schema"/> (or read without one when the schema is null).</param>
    /// <param name="schema">
    /// The schema; anything it does not declare public is estimated with DP. Null infers it with DP
    /// (<see cref="PrivateSchemaInference"/>) from the preprocessing share: the header is public,
    /// everything else is a ledger stage.
    /// </param>
    /// <param name="request">Budget and settings.</param>
    /// <param name="backend">Compute backend for training.</param>
    /// <param name="progress">Training progress (loss and ε so far); optional.</param>
    /// <param name="cancellation">Cancels training.</param>
    /// <exception cref="ArgumentException">The budget or settings are invalid, or the budget left for training is too small.</exception>
    /// <exception cref="TableFormatException">The table does not fit the schema.</exception>
    /// <exception cref="PrivacyBudgetExceededException">A stage would exceed the budget (it was not run).</exception>
    public static TableDiffusionModel Fit(Table table, TableSchema? schema, TableDiffusionFitRequest request, IComputeBackend backend,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        request.Validate();
        long start = Stopwatch.GetTimestamp();
        var options = request.Options;
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: TableDiffusion needs at least 2 rows");
        // The plan's first stage is the row count (DP, or declared public), then preprocessing: q and the steps come from the count.
        // Without a schema, inference re-reads the table typed: everything after uses that table.
        (var plan, table, var fittedSchema, var encoder) = PrivateEncoding.FitEncoder(table, schema, options.NumericEncoding, request, options.MarginalsShare, progress);
        var ledger = plan.Ledger;
        // Before anything large is allocated: refuse a fit that cannot fit, and size the batch chunks.
        var (q, steps) = plan.Sampling(options.ExpectedBatchSize, options.Epochs);
        var memory = Memory(table, encoder, request, plan.RowCount.Rows, q, TableDiffusionMemory.BatchBudgetFor(backend));
        var encoded = CompactEncodedTable.Encode(encoder, table, PreprocessingProgress.For(progress, "encoding: column", encoder.Columns.Count, ledger), cancellation);

        float[]? marginals = null;
        if (plan.MarginalsEpsilon > 0 && encoder.SoftmaxSpans.Count > 0)
        {
            double sigma = SpanMarginals.Sigma(plan.MarginalsEpsilon, request.Delta, encoder.SoftmaxSpans);
            IRandomSource marginalsRandom = request.Seed is ulong ms ? new SeededRandomSource(ms ^ NoiseStreams.MarginalsSalt) : new CryptoRandomSource();
            marginals = SpanMarginals.Release(encoded, sigma, marginalsRandom, ledger);
        }
        double preprocessingSpent = ledger.TotalEpsilon;

        var (signal, noise) = options.ForwardCoefficients();
        var noiseKey = request.Seed is ulong k ? NoiseKey.FromSeed(k) : NoiseKey.CreateSecure();
        var data = new DiffusionBatchSource(encoded, signal, noise, noiseKey,
            options.Target == DiffusionTarget.Start ? SpanMask(encoded.Width, encoder.SoftmaxSpans) : null, options.StepInput, options.LevelsPerRecord);

        // Mixed heads: MSE on the numeric columns' noise, cross-entropy on the spans' x₀ (public layout only).
        using var weights = options.Target == DiffusionTarget.Start ? backend.Allocate(1, encoded.Width).Storage : null;
        ILoss loss = new MeanSquaredError();
        if (weights is not null)
        {
            var w = weights.View(1, encoded.Width);
            backend.Upload(MixedSpanLoss.NumericWeights(encoded.Width, encoder.SoftmaxSpans), w);
            loss = new MixedSpanLoss(w, encoder.SoftmaxSpans);
        }

        // Pricing each candidate σ composes every stage so far: with a stage per wide table's column this takes a while.
        progress?.Report(new TrainingProgress(0, 0, -1, double.NaN, preprocessingSpent) { Stage = $"calibrating the noise against {ledger.Stages.Count} ledger stages" });
        double sigmaTraining = plan.TrainingNoiseMultiplier(q, steps);
        var composedProgress = FitPlanning.ComposedProgress(plan, sigmaTraining, q, progress);
        using var trainer = Trainer(backend, encoded.Width, data, request, plan, loss, q, steps, sigmaTraining, memory);
        if (marginals is not null) StartHeadFromMarginals(trainer.Network, marginals, encoder.SoftmaxSpans);
        double preprocessingSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long trainingStart = Stopwatch.GetTimestamp();
        var record = trainer.Train(composedProgress, cancellation);
        var parameters = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(parameters);

        var summary = FitSummary.OfTraining(plan, record, preprocessingSpent,
            new FitTimings(preprocessingSeconds, Stopwatch.GetElapsedTime(trainingStart).TotalSeconds));
        return new TableDiffusionModel(options, encoder, fittedSchema, parameters, ledger, summary) { SpanMarginals = marginals };
    }

    private static void StartHeadFromMarginals(Network network, float[] marginals, ColumnSpans spans)
    {
        var items = network.Parameters.Items;
        Parameter weight = items[^2], bias = items[^1];
        if (bias.Length != marginals.Length || weight.Length % bias.Length != 0)
            throw new InvalidOperationException("The denoiser's last parameters are not its linear head.");
        var flat = new float[network.Parameters.Length];
        network.ReadParameters(flat);
        SpanMarginals.InitialiseHead(flat.AsSpan(weight.Offset, weight.Length), flat.AsSpan(bias.Offset, bias.Length), marginals, spans);
        network.WriteParameters(flat);
    }

    /// <summary>True on the columns of categorical spans (whose target is x₀).</summary>
    internal static bool[] SpanMask(int width, ColumnSpans spans)
    {
        var mask = new bool[width];
        for (int s = 0; s < spans.Count; s++) mask.AsSpan(spans.Starts[s], spans.Lengths[s]).Fill(true);
        return mask;
    }

    /// <summary>A trainer for the plan's q, steps and σ (calibrated against the ledger by the plan).</summary>
    private static DpSgdTrainer Trainer(IComputeBackend backend, int width, DiffusionBatchSource data,
        TableDiffusionFitRequest request, PrivacyPlan plan, ILoss loss, double sampleRate, long steps, double noiseMultiplier, TableDiffusionMemory memory)
    {
        var o = request.Options;
        return new DpSgdTrainer(backend, TableDiffusionModel.Denoiser(width, o), data, loss,
            new AdamOptimizer(new AdamParameters(LearningRate: o.LearningRate, Beta1: o.Beta1, Beta2: o.Beta2)),
            FitPlanning.TrainingOptions(plan, sampleRate, steps, noiseMultiplier, o.ClipNorm, request.Seed) with
            {
                MaxChunkExamples = memory.ChunkExamples,
                Workers = memory.Workers,
            }, plan.Ledger) { Faults = request.Faults };
    }

    /// <summary>
    /// The fit's memory estimate, from public sizes only (the encoder's layout and the public row
    /// count); refuses a fit that needs more than the request's limit or the machine's memory.
    /// </summary>
    private static TableDiffusionMemory Memory(Table table, TableEncoder encoder, TableDiffusionFitRequest request, long publicRows, double sampleRate, long batchBudgetBytes)
    {
        int rows = (int)Math.Clamp(publicRows, 1, int.MaxValue);
        var memory = TableDiffusionMemory.Estimate(table, encoder, request.Options, publicRows,
            PoissonSampler.Capacity(rows, sampleRate), RowPartition.DefaultWorkers, batchBudgetBytes);
        memory.EnsureFits(request.MemoryLimitBytes ?? TableDiffusionMemory.AvailableBytes(), table.Source);
        return memory;
    }
}
