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
public sealed record TableDiffusionFitRequest : EncodedFitRequest
{
    /// <summary>Hyper-parameters (the paper preset by default).</summary>
    public TableDiffusionOptions Options { get; init; } = TableDiffusionOptions.Paper;

    /// <summary>Checks the budget and the hyper-parameters; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public override void Validate()
    {
        base.Validate();
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
        var (ledger, encoder, encoded) = PrivateEncoding.Fit(table, schema, options.NumericEncoding, request);

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

        var summary = FitSummary.OfTraining(ledger, record, preprocessing,
            new FitTimings(preprocessingSeconds, Stopwatch.GetElapsedTime(trainingStart).TotalSeconds));
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
            }, ledger);
    }
}
