using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>The privacy budget and run settings of one DP-WGAN fit.</summary>
public sealed record DpWganFitRequest
{
    /// <summary>Total ε of the fit (preprocessing and critic training together).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>Share of ε offered to the encoder's private statistics (bounds, quantile grids, category discovery); unused when everything is public.</summary>
    public double PreprocessingShare { get; init; } = 0.2;

    /// <summary>Public range within which bounds of numeric columns without public bounds are estimated with DP (declared, never read from the data).</summary>
    public (double Min, double Max) SearchRange { get; init; } = (-1e6, 1e6);

    /// <summary>Hyper-parameters.</summary>
    public DpWganOptions Options { get; init; } = DpWganOptions.Default;

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Checks the budget and options; throws <see cref="ArgumentException"/> naming the bad value. Reads no data.</summary>
    public void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
        if (!(PreprocessingShare >= 0 && PreprocessingShare < 1)) throw new ArgumentException($"the preprocessing share must be in [0, 1), got {PreprocessingShare.ToString(CultureInfo.InvariantCulture)}");
        Options.Validate();
    }
}

/// <summary>
/// Fits DP-WGAN on a private table: the encoder's private statistics first (TableDiffusion's
/// encoder and stages, from the preprocessing share of ε), then the critic's DP-SGD with σ
/// calibrated for exactly the critic steps that run from the ε left, interleaved with free
/// generator steps. The ledger's composed ε stays within the budget; δ is the user's throughout.
/// </summary>
public static class DpWganFitter
{
    /// <summary>Fits a model.</summary>
    /// <param name="table">The private table, read under <paramref name="schema"/>.</param>
    /// <param name="schema">The schema; anything it does not declare public is estimated with DP.</param>
    /// <param name="request">Budget and settings.</param>
    /// <param name="backend">Compute backend for training.</param>
    /// <param name="progress">Critic training progress (ε so far); optional.</param>
    /// <param name="cancellation">Cancels training.</param>
    /// <exception cref="ArgumentException">The budget or settings are invalid, or the budget left for training is too small.</exception>
    /// <exception cref="TableFormatException">The table does not fit the schema.</exception>
    /// <exception cref="PrivacyBudgetExceededException">A stage would exceed the budget (it was not run).</exception>
    public static DpWganModel Fit(Table table, TableSchema schema, DpWganFitRequest request, IComputeBackend backend,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        request.Validate();
        var options = request.Options;
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: DP-WGAN needs at least 2 rows");
        var randomness = request.Seed is ulong s ? new RandomnessRecord(RandomnessKind.UserSeed, s) : new RandomnessRecord(RandomnessKind.Csprng);
        var ledger = new PrivacyLedger(new PrivacyBudget(request.Epsilon, request.Delta), randomness);

        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Numeric = options.NumericEncoding,
            Epsilon = request.Epsilon * request.PreprocessingShare,
            SearchRange = request.SearchRange,
            Random = request.Seed is ulong seed ? new SeededRandomSource(seed) : null,
            SchemaFile = request.SchemaFile,
        }, ledger);
        var encoded = encoder.Encode(table);
        double preprocessing = ledger.TotalEpsilon;

        int batch = Math.Min(options.ExpectedBatchSize, encoded.Rows);
        double q = Math.Min(1.0, (double)batch / encoded.Rows);
        long steps = (long)Math.Ceiling(options.Epochs / q);
        double sigma = LedgerNoiseCalibration.NoiseMultiplier(ledger, q, steps) ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"preprocessing spent epsilon {ledger.TotalEpsilon:0.####} of {request.Epsilon}; too little is left to train"));
        using var run = new DpWganTraining(backend, encoded, options, new DpSgdOptions
        {
            ExpectedBatchSize = batch,
            Steps = steps,
            ClipNorm = options.ClipNorm,
            NoiseMultiplier = sigma,
            Delta = request.Delta,
            Seed = request.Seed,
            Accountant = AccountantKind.Pld,
        }, ledger);
        if (run.Critic.SampleRate != q || run.Critic.TotalSteps != steps)
            throw new InvalidOperationException("The critic's sampling differs from the one its noise was calibrated for.");
        var record = run.Run(progress, cancellation);
        var summary = new DpWganFitSummary(record.NoiseMultiplier, record.SampleRate, record.StepsRun, run.GeneratorSteps, record.ClipNorm,
            record.Epsilon, preprocessing, ledger.TotalEpsilon, request.Delta, record.SecureRandomness);
        return new DpWganModel(options, encoder, schema, run.GeneratorParameters(), ledger, summary);
    }
}
