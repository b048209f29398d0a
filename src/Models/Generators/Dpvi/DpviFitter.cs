using System.Globalization;
using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// Fits the DPVI twin generator (Prediger, Jälkö, Honkela &amp; Kaski 2023) on a private table: a
/// K-component mixture of independent categorical covariates (Dirichlet priors, in additive-log-ratio
/// coordinates) and per-component Gaussians for numeric covariates (standardised by public bounds),
/// with a Poisson or logistic regression of the outcome on the covariates shared by all components;
/// the mean-field Gaussian posterior is trained by DP-SGD on the ELBO (<see cref="PerExampleDpSgdTrainer"/>:
/// Poisson sampling, per-example clipping of the gradient w.r.t. all variational parameters, σ
/// calibrated for the steps that run, one ledger stage).
/// </summary>
/// <remarks>
/// Everything about the columns must be public: category sets of categorical and ordinal columns,
/// bounds of numeric covariates (booleans are public by kind). A column without them is refused
/// with a one-line <see cref="ArgumentException"/> naming it — no budget is spent on discovering them,
/// so the whole ε goes to training. Missing values: a categorical covariate declared with missing
/// values gets a "missing" category of its own; numeric covariates and the outcome must be complete.
/// </remarks>
public static class DpviFitter
{
    /// <summary>The ChaCha20 stream of the (data-independent) initial posterior means.</summary>
    public const ulong InitStream = NoiseStreams.DpviInit;

    /// <summary>Fits a model.</summary>
    /// <param name="table">The private table, read under <paramref name="schema"/>.</param>
    /// <param name="schema">The public schema (category sets and bounds must be declared public).</param>
    /// <param name="request">Budget, outcome and settings.</param>
    /// <param name="progress">Training progress (ε so far); optional.</param>
    /// <param name="cancellation">Cancels training.</param>
    /// <exception cref="ArgumentException">The budget or settings are invalid, or a column lacks a public category set or bounds.</exception>
    /// <exception cref="TableFormatException">The table does not fit the schema.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The stage would exceed the budget (it was not run).</exception>
    public static DpviModel Fit(Table table, TableSchema schema, DpviFitRequest request,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        request.Validate();
        long start = Stopwatch.GetTimestamp();
        var options = request.Options;
        var layout = DpviLayout.Create(schema, request.Outcome, request.Family, options, request.SchemaFile);
        if (table.RowCount < 2) throw new ArgumentException($"{table.Source}: DPVI needs at least 2 rows");
        var data = DpviData.Encode(table, layout);
        // The row count is the plan's only stage before training (everything else is public); the
        // ELBO's 1/N scale, q and the steps all come from it.
        var plan = FitPlanning.Start(table, schema, request.Epsilon, request.Delta, request.Seed, new PlanShares());
        var ledger = plan.Ledger;
        var objective = new DpviObjective(layout, data, options, plan.RowCount.Rows);
        var initial = InitialParameters(layout, options, request.Seed);

        var (trainer, composedProgress) = CalibratedTrainer(objective, initial, plan, request, progress);
        double preprocessingSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long trainingStart = Stopwatch.GetTimestamp();
        long total = trainer.Plan.TotalSteps;
        long firstAveraged = Math.Min(total, (long)Math.Floor((1 - options.AveragedFraction) * total) + 1);
        var average = new double[2 * layout.ParameterCount];
        long averaged = 0;
        trainer.StepCompleted = t =>
        {
            if (t.Step < firstAveraged) return;
            averaged++;
            var current = t.Parameters;
            for (int j = 0; j < average.Length; j++) average[j] += (current[j] - average[j]) / averaged;
        };
        var record = trainer.Train(composedProgress, cancellation);
        int p = layout.ParameterCount;
        ReadOnlySpan<double> w = averaged > 0 ? average : trainer.Parameters;
        var mean = new float[p];
        var rho = new float[p];
        for (int j = 0; j < p; j++)
        {
            mean[j] = (float)w[j];
            rho[j] = (float)w[p + j];
        }
        var summary = FitSummary.OfTraining(plan, record, 0,
            new FitTimings(preprocessingSeconds, Stopwatch.GetElapsedTime(trainingStart).TotalSeconds));
        return new DpviModel(schema, options, layout.Outcome?.Name, layout.Outcome?.Family, mean, rho, ledger, summary, averaged, request.SchemaFile);
    }

    /// <summary>
    /// Initial variational parameters, chosen without the data: μ of the logits small random values
    /// (they break the components' symmetry), μ of the Gaussians' means spread over [−1, 1] at random
    /// and their log-sds at the prior mean, coefficients 0; every sd = <see cref="DpviOptions.InitialSd"/>.
    /// </summary>
    public static double[] InitialParameters(DpviLayout layout, DpviOptions options, ulong? seed)
    {
        int p = layout.ParameterCount;
        var key = seed is ulong s ? NoiseKey.FromSeed(s, InitStream) : NoiseKey.CreateSecure(InitStream);
        var z = new float[p];
        GaussianStream.Fill(key, 0, z);
        var w = new double[2 * p];
        for (int j = 0; j < layout.CoefficientOffset; j++) w[j] = 0.3 * z[j];
        foreach (var c in layout.Covariates)
        {
            if (c.IsCategorical) continue;
            for (int k = 0; k < layout.Components; k++)
            {
                w[c.Offset + 2 * k] = Math.Clamp(0.5 * z[c.Offset + 2 * k], -1, 1);
                w[c.Offset + 2 * k + 1] = options.LogSdPriorMean;
            }
        }
        for (int j = layout.CoefficientOffset; j < p; j++) w[j] = 0;
        double rho = DpviMath.InverseSoftplus(options.InitialSd);
        for (int j = 0; j < p; j++) w[p + j] = rho;
        return w;
    }

    /// <summary>
    /// A trainer for the plan's q and steps (from the released row count), σ calibrated against what
    /// the ledger has left after the row count — the budget is never exceeded — and progress reporting
    /// the ledger's composed ε.
    /// </summary>
    private static (PerExampleDpSgdTrainer, IProgress<TrainingProgress>?) CalibratedTrainer(DpviObjective objective, double[] initial,
        PrivacyPlan plan, DpviFitRequest request, IProgress<TrainingProgress>? progress)
    {
        var o = request.Options;
        var (q, steps) = plan.Sampling(o.ExpectedBatchSize, o.Epochs, o.MaxSteps);
        double? sigma = request.NonPrivate ? null : plan.TrainingNoiseMultiplier(q, steps);
        var trainer = new PerExampleDpSgdTrainer(objective, initial, FitPlanning.TrainingOptions(plan, q, steps, sigma, (float)o.ClipNorm, request.Seed) with { Private = !request.NonPrivate },
            new AdamParameters(LearningRate: (float)o.LearningRate), plan.Ledger) { Faults = request.Faults };
        return (trainer, sigma is double s ? FitPlanning.ComposedProgress(plan, s, q, progress) : progress);
    }
}
