using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Nn;
using DpSynth.Models.Training;
using DpSynth.Privacy.Auditing;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Audit.DpSgd;

/// <summary>The guesses made with one k and the ε̂ they certify.</summary>
/// <param name="PerSide">k: canaries guessed in (top k scores) and out (bottom k).</param>
/// <param name="Correct">v, the right guesses out of 2k.</param>
/// <param name="Epsilon">ε̂ at β divided by the number of k tried.</param>
public sealed record GuessCount(int PerSide, int Correct, double Epsilon);

/// <summary>The outcome of a one-run DP-SGD audit.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="NoiseMultiplier">σ from the ledger's calibration for the claimed ε (the ledger records it even under a positive control).</param>
/// <param name="LedgerEpsilon">ε the ledger reports for the run at δ — at most the claim.</param>
/// <param name="Included">Canaries that were in the training set.</param>
/// <param name="Tried">Every k tried, with its correct guesses and ε̂.</param>
/// <param name="Seconds">Wall-clock time.</param>
public sealed record DpSgdAuditResult(DpSgdAuditOptions Options, double NoiseMultiplier, double LedgerEpsilon, int Included,
    IReadOnlyList<GuessCount> Tried, double Seconds)
{
    /// <summary>The k with the largest ε̂ (the first such k on ties).</summary>
    public GuessCount Best => Tried.MaxBy(t => t.Epsilon)!;

    /// <summary>The empirical lower bound ε̂ (confidence 1 − β over all k together).</summary>
    public double EpsilonLowerBound => Best.Epsilon;

    /// <summary>A sound run passes when ε̂ ≤ the claimed ε; a positive control when ε̂ exceeds it (caught).</summary>
    public bool Passed => Options.Control == PositiveControl.None ? EpsilonLowerBound <= Options.Epsilon : EpsilonLowerBound > Options.Epsilon;
}

/// <summary>
/// White-box audit of DP-SGD in one training run (Steinke, Nasr &amp; Jagielski, NeurIPS 2023). m Dirac
/// canaries (<see cref="DiracCanaries"/>, <see cref="DiracCanaryObjective"/>) are each put into the
/// training set with probability ½; a real trainer runs once — Poisson sampling, clipping, ChaCha20
/// noise with the σ the ledger calibrates for the claimed (ε, δ), division by the expected batch size,
/// the optimiser — and spends its stage in the ledger. Either trainer can be audited: the network
/// trainer (ghost clipping on a compute backend, with SGD) or the host per-example trainer (with Adam). Each canary is scored by how far its own weight moved; the top k are guessed "in",
/// the bottom k "out", and ε̂ is the largest ε whose one-run p-value (<see cref="OneRunAudit"/>) is
/// below β. The canaries are the whole point of the run: it never touches user data.
/// </summary>
public static class DpSgdAudit
{
    /// <summary>Runs the audit.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="progress">A line at every tenth of training; optional.</param>
    /// <param name="cancellation">Cancels training.</param>
    public static DpSgdAuditResult Run(DpSgdAuditOptions options, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var random = new AuditRandomness(options.Seed);
        int m = options.Canaries;
        var coins = random.Bookkeeping(1);
        var isIn = new bool[m];
        var included = new List<int>();
        for (int j = 0; j < m; j++) if (isIn[j] = (coins.NextULong() & 1) == 1) included.Add(j);

        var randomness = options.Seed is ulong s ? new RandomnessRecord(RandomnessKind.UserSeed, s) : new RandomnessRecord(RandomnessKind.Csprng);
        var ledger = new PrivacyLedger(new PrivacyBudget(options.Epsilon, options.Delta), randomness, options.Accountant);
        double sigma = LedgerNoiseCalibration.NoiseMultiplier(ledger, options.SampleRate, options.Steps)
            ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"no noise multiplier reaches epsilon {options.Epsilon} in {options.Steps} steps at sample rate {options.SampleRate}"));

        var training = new DpSgdOptions
        {
            SampleRate = options.SampleRate,
            Steps = options.Steps,
            ClipNorm = options.ClipNorm,
            NoiseMultiplier = sigma,
            Delta = options.Delta,
            Seed = random.FitSeed(2),
            Accountant = options.Accountant,
            // Each report prices ε so far with the accountant: ten reports, not one per step.
            ProgressInterval = Math.Max(1, options.Steps / 10),
        };
        var lines = progress is null ? null : new TrainingLines(progress, options);
        var scores = options.Trainer == AuditedTrainer.PerExample
            ? PerExampleScores(options, included, training, ledger, lines, cancellation)
            : NetworkScores(options, included, training, ledger, lines, cancellation);
        var order = Enumerable.Range(0, m).OrderByDescending(j => scores[j]).ToArray();
        var guesses = options.Guesses;
        double betaEach = options.Beta / guesses.Count;
        var tried = guesses.Select(k =>
        {
            int correct = 0;
            for (int i = 0; i < k; i++) if (isIn[order[i]]) correct++;
            for (int i = m - k; i < m; i++) if (!isIn[order[i]]) correct++;
            return new GuessCount(k, correct, OneRunAudit.EpsilonLowerBound(m, 2 * k, correct, options.Delta, betaEach));
        }).ToArray();
        return new DpSgdAuditResult(options, sigma, ledger.TotalEpsilon, included.Count, tried, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Each canary's weight movement under <see cref="DpSgdTrainer"/> with SGD.</summary>
    private static double[] NetworkScores(DpSgdAuditOptions options, List<int> included, DpSgdOptions training, PrivacyLedger ledger,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        int m = options.Canaries;
        var data = new DiracCanaries(m, included, options.BackgroundRecords);
        using var backend = BackendFactory.Create(options.Device);
        // Learning rate q·N/10: a sampled canary moves its weight by C/10, and an unclipped one (the
        // no-clipping control) converges toward its target instead of overshooting it.
        var optimizer = new SgdOptimizer((float)(options.SampleRate * data.Records / 10));
        using var trainer = new DpSgdTrainer(backend, [new Linear(m, 1, bias: false)], data, new MeanSquaredError(), optimizer, training, ledger)
        {
            Faults = AuditFaults.For(options.Control),
        };
        var before = new float[trainer.Network.Parameters.Length];
        trainer.Network.ReadParameters(before);
        trainer.Train(progress, cancellation);
        var after = new float[before.Length];
        trainer.Network.ReadParameters(after);
        var scores = new double[m];
        for (int j = 0; j < m; j++) scores[j] = double.IsFinite(after[j]) ? (double)after[j] - before[j] : double.NegativeInfinity;
        return scores;
    }

    /// <summary>Each canary's parameter (from 0) under <see cref="PerExampleDpSgdTrainer"/> with Adam.</summary>
    private static double[] PerExampleScores(DpSgdAuditOptions options, List<int> included, DpSgdOptions training, PrivacyLedger ledger,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        int m = options.Canaries;
        var objective = new DiracCanaryObjective(m, included, options.BackgroundRecords);
        var trainer = new PerExampleDpSgdTrainer(objective, new double[m], training, new Kernels.AdamParameters(LearningRate: 0.01f), ledger)
        {
            Faults = AuditFaults.For(options.Control),
        };
        trainer.Train(progress, cancellation);
        var scores = new double[m];
        for (int j = 0; j < m; j++) scores[j] = double.IsFinite(trainer.Parameters[j]) ? trainer.Parameters[j] : double.NegativeInfinity;
        return scores;
    }

    /// <summary>Training progress as about ten lines per run.</summary>
    private sealed class TrainingLines(IProgress<string> lines, DpSgdAuditOptions options) : IProgress<TrainingProgress>
    {
        private long _lastTenth = -1;

        public void Report(TrainingProgress p)
        {
            long tenth = 10 * p.Step / Math.Max(1, p.TotalSteps);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            lines.Report(string.Create(CultureInfo.InvariantCulture,
                $"audit dpsgd (epsilon {options.Epsilon:R}{(options.Control == PositiveControl.None ? "" : ", control " + options.Control.Name())}): step {p.Step}/{p.TotalSteps}"));
        }
    }
}
