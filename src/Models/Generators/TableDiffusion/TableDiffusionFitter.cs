using System.Globalization;
using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>The privacy budget and run settings of one TableDiffusion fit.</summary>
public sealed record TableDiffusionFitRequest
{
    /// <summary>Total ε of the fit (preprocessing and training together).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>Share of ε offered to the encoder's private statistics (bounds, quantile grids, category discovery); unused when everything is public.</summary>
    public double PreprocessingShare { get; init; } = 0.2;

    /// <summary>
    /// Public range within which bounds of numeric columns without public bounds are estimated with
    /// DP. A declared constant, never read from the data.
    /// </summary>
    public (double Min, double Max) SearchRange { get; init; } = (-1e6, 1e6);

    /// <summary>Hyper-parameters (the paper preset by default).</summary>
    public TableDiffusionOptions Options { get; init; } = TableDiffusionOptions.Paper;

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Positive-control faults of an audit; none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Checks the budget; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
        if (!(PreprocessingShare >= 0 && PreprocessingShare < 1)) throw new ArgumentException($"the preprocessing share must be in [0, 1), got {PreprocessingShare.ToString(CultureInfo.InvariantCulture)}");
        Options.Validate();
    }
}

/// <summary>
/// Fits TableDiffusion on a private table: the encoder's private statistics first (each a ledger
/// stage from the preprocessing share of ε), then DP-SGD on the denoiser with σ calibrated for
/// exactly the steps that run from the ε left, so that the ledger's composed ε stays within the
/// budget. δ is the user's throughout.
/// </summary>
public static class TableDiffusionFitter
{
    /// <summary>Fits a model.</summary>
    /// <param name="table">The private table, read under <paramref name="schema"/>.</param>
    /// <param name="schema">The schema; anything it does not declare public is estimated with DP.</param>
    /// <param name="request">Budget and settings.</param>
    /// <param name="backend">Compute backend for training.</param>
    /// <param name="progress">Training progress (loss and ε so far); optional.</param>
    /// <param name="cancellation">Cancels training.</param>
    /// <exception cref="ArgumentException">The budget or settings are invalid, or the budget left for training is too small.</exception>
    /// <exception cref="TableFormatException">The table does not fit the schema.</exception>
    /// <exception cref="PrivacyBudgetExceededException">A stage would exceed the budget (it was not run).</exception>
    public static TableDiffusionModel Fit(Table table, TableSchema schema, TableDiffusionFitRequest request, IComputeBackend backend,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        request.Validate();
        long start = Stopwatch.GetTimestamp();
        var options = request.Options;
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: TableDiffusion needs at least 2 rows, got {table.RowCount}");
        var randomness = request.Seed is ulong s ? new RandomnessRecord(RandomnessKind.UserSeed, s) : new RandomnessRecord(RandomnessKind.Csprng);
        var ledger = new PrivacyLedger(new PrivacyBudget(request.Epsilon, request.Delta), randomness);

        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Numeric = options.NumericEncoding,
            Epsilon = request.Epsilon * request.PreprocessingShare,
            SearchRange = request.SearchRange,
            Random = request.Seed is ulong seed ? new SeededRandomSource(seed) : null,
            SchemaFile = request.SchemaFile,
            Faults = request.Faults,
        }, ledger);
        var encoded = encoder.Encode(table);

        float[]? marginals = null;
        if (options.MarginalsShare > 0 && encoder.SoftmaxSpans.Count > 0)
        {
            double sigma = SpanMarginals.Sigma(request.Epsilon * options.MarginalsShare, request.Delta, encoder.SoftmaxSpans);
            IRandomSource random = request.Seed is ulong ms ? new SeededRandomSource(ms ^ MarginalsSeedSalt) : new CryptoRandomSource();
            marginals = SpanMarginals.Release(encoded, sigma, random, ledger);
        }
        double preprocessing = ledger.TotalEpsilon;

        var (signal, noise) = options.ForwardCoefficients();
        var noiseKey = request.Seed is ulong k ? NoiseKey.FromSeed(k) : NoiseKey.CreateSecure();
        var data = new DiffusionBatchSource(encoded.Data, encoded.Rows, encoded.Width, signal, noise, noiseKey,
            options.Target == DiffusionTarget.Start ? SpanMask(encoded.Width, encoder.SoftmaxSpans) : null, options.StepInput, options.LevelsPerRecord);
        int batch = Math.Min(options.ExpectedBatchSize, encoded.Rows);

        // Mixed heads: MSE on the numeric columns' noise, cross-entropy on the spans' x₀ (public layout only).
        using var weights = options.Target == DiffusionTarget.Start ? backend.Allocate(1, encoded.Width).Storage : null;
        ILoss loss = new MeanSquaredError();
        if (weights is not null)
        {
            var w = weights.View(1, encoded.Width);
            backend.Upload(MixedSpanLoss.NumericWeights(encoded.Width, encoder.SoftmaxSpans), w);
            loss = new MixedSpanLoss(w, encoder.SoftmaxSpans);
        }

        using var trainer = CalibratedTrainer(backend, encoded.Width, data, batch, request, ledger, loss);
        if (marginals is not null) StartHeadFromMarginals(trainer.Network, marginals, encoder.SoftmaxSpans);
        double preprocessingSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long trainingStart = Stopwatch.GetTimestamp();
        var record = trainer.Train(progress, cancellation);
        var parameters = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(parameters);

        var summary = new FitSummary
        {
            Epsilon = ledger.TotalEpsilon,
            Delta = request.Delta,
            PreprocessingEpsilon = preprocessing,
            TrainingEpsilon = record.Epsilon,
            NoiseMultiplier = record.NoiseMultiplier,
            SampleRate = record.SampleRate,
            Steps = record.StepsRun,
            ClipNorm = record.ClipNorm,
            SecureRandomness = record.SecureRandomness,
            Stages = FitSummary.StagesOf(ledger),
            Timings = new FitTimings(preprocessingSeconds, Stopwatch.GetElapsedTime(trainingStart).TotalSeconds),
        };
        return new TableDiffusionModel(options, encoder, schema, parameters, ledger, summary) { SpanMarginals = marginals };
    }

    /// <summary>Keeps the marginals' seeded randomness apart from the encoder's.</summary>
    private const ulong MarginalsSeedSalt = 0x4D415247494E414CUL; // "MARGINAL"

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

    /// <summary>A trainer whose σ fits into what the ledger has left (<see cref="LedgerNoiseCalibration"/>).</summary>
    private static DpSgdTrainer CalibratedTrainer(IComputeBackend backend, int width, DiffusionBatchSource data, int batch,
        TableDiffusionFitRequest request, PrivacyLedger ledger, ILoss loss)
    {
        double q = Math.Min(1.0, (double)batch / data.Records);
        long steps = (long)Math.Ceiling(request.Options.Epochs / q);
        double high = LedgerNoiseCalibration.NoiseMultiplier(ledger, q, steps) ?? throw TooLittleLeft(request, ledger);
        var trainer = Trainer(backend, width, data, batch, request, ledger, loss, null, high);
        if (trainer.SampleRate != q || trainer.TotalSteps != steps)
        {
            trainer.Dispose();
            throw new InvalidOperationException("The trainer's sampling differs from the one its noise was calibrated for.");
        }
        return trainer;
    }

    private static ArgumentException TooLittleLeft(TableDiffusionFitRequest request, PrivacyLedger ledger) => new(string.Create(CultureInfo.InvariantCulture,
        $"preprocessing spent epsilon {ledger.TotalEpsilon:0.####} of {request.Epsilon}; too little is left to train"));

    private static DpSgdTrainer Trainer(IComputeBackend backend, int width, DiffusionBatchSource data, int batch,
        TableDiffusionFitRequest request, PrivacyLedger ledger, ILoss loss, double? targetEpsilon, double? noiseMultiplier)
    {
        var o = request.Options;
        return new DpSgdTrainer(backend, TableDiffusionModel.Denoiser(width, o), data, loss,
            new AdamOptimizer(new AdamParameters(LearningRate: o.LearningRate, Beta1: o.Beta1, Beta2: o.Beta2)),
            new DpSgdOptions
            {
                ExpectedBatchSize = batch,
                Epochs = o.Epochs,
                ClipNorm = o.ClipNorm,
                TargetEpsilon = targetEpsilon,
                NoiseMultiplier = noiseMultiplier,
                Delta = request.Delta,
                Seed = request.Seed,
                Accountant = AccountantKind.Pld,
            }, ledger) { Faults = request.Faults };
    }
}
