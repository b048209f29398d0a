using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>The privacy budget and run settings of one DP-WGAN fit.</summary>
public sealed record DpWganFitRequest : EncodedFitRequest
{
    /// <summary>Hyper-parameters.</summary>
    public DpWganOptions Options { get; init; } = DpWganOptions.Default;

    /// <summary>Checks the budget and the hyper-parameters; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public override void Validate()
    {
        base.Validate();
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
    public static DpWganModel Fit(Table table, TableSchema? schema, DpWganFitRequest request, IComputeBackend backend,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        request.Validate();
        long start = Stopwatch.GetTimestamp();
        var options = request.Options;
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: DP-WGAN needs at least 2 rows");
        // The plan's first stage is the row count (DP, or declared public), then preprocessing: q and the steps come from the count.
        var (plan, fittedSchema, encoder, encoded) = PrivateEncoding.Fit(table, schema, options.NumericEncoding, request);
        var ledger = plan.Ledger;
        double preprocessing = ledger.TotalEpsilon;

        var (q, steps) = plan.Sampling(options.ExpectedBatchSize, options.Epochs);
        double sigma = plan.TrainingNoiseMultiplier(q, steps);
        using var run = new DpWganTraining(backend, encoded, options, FitPlanning.TrainingOptions(plan, q, steps, sigma, options.ClipNorm, request.Seed),
            ledger, request.Faults);
        if (run.Critic.SampleRate != q || run.Critic.TotalSteps != steps)
            throw new InvalidOperationException("The critic's sampling differs from the one its noise was calibrated for.");
        double preprocessingSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long trainingStart = Stopwatch.GetTimestamp();
        var record = run.Run(FitPlanning.ComposedProgress(plan, sigma, q, progress), cancellation);
        var summary = FitSummary.OfTraining(plan, record, preprocessing,
            new FitTimings(preprocessingSeconds, Stopwatch.GetElapsedTime(trainingStart).TotalSeconds));
        return new DpWganModel(options, encoder, fittedSchema, run.GeneratorParameters(), ledger, summary, run.GeneratorSteps);
    }
}
