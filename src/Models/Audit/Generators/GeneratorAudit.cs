using System.Diagnostics;
using System.Globalization;
using DpSynth.Privacy.Auditing;

namespace DpSynth.Models.Audit.Generators;

/// <summary>The membership test of a generator audit: statistic, threshold, error counts on the held-out half and the ε they certify.</summary>
/// <param name="Statistic">The membership statistic chosen on the first half (one of <c>AuditTable.Statistics</c>).</param>
/// <param name="Threshold">Scores at or above it are guessed "in"; chosen on the first half of the runs.</param>
/// <param name="FalsePositives">Held-out runs without the target guessed "in".</param>
/// <param name="Negatives">Held-out runs without the target.</param>
/// <param name="FalseNegatives">Held-out runs with the target guessed "out".</param>
/// <param name="Positives">Held-out runs with the target.</param>
/// <param name="FalsePositiveRateUpper">Clopper–Pearson upper bound on FPR at β/2.</param>
/// <param name="FalseNegativeRateUpper">Clopper–Pearson upper bound on FNR at β/2.</param>
/// <param name="Epsilon">ε_LB = max(ln((1 − δ − FNR_u)/FPR_u), ln((1 − δ − FPR_u)/FNR_u), 0).</param>
public sealed record MembershipTest(string Statistic, double Threshold, int FalsePositives, int Negatives, int FalseNegatives, int Positives,
    double FalsePositiveRateUpper, double FalseNegativeRateUpper, double Epsilon);

/// <summary>The outcome of a black-box generator audit.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="LedgerEpsilon">The largest ε any fit's ledger reported (at most the claim).</param>
/// <param name="MeanScoreIn">Mean of the chosen statistic over the fits with the target.</param>
/// <param name="MeanScoreOut">Mean of the chosen statistic over the fits without it.</param>
/// <param name="Test">The held-out test and its ε_LB.</param>
/// <param name="Seconds">Wall-clock time.</param>
public sealed record GeneratorAuditResult(GeneratorAuditOptions Options, double LedgerEpsilon, double MeanScoreIn, double MeanScoreOut, MembershipTest Test, double Seconds)
{
    /// <summary>The empirical lower bound on ε (confidence 1 − β).</summary>
    public double EpsilonLowerBound => Test.Epsilon;

    /// <summary>A sound audit passes when ε̂ ≤ the claimed ε; a positive control when ε̂ exceeds it (caught).</summary>
    public bool Passed => Options.Control == PositiveControl.None ? EpsilonLowerBound <= Options.Epsilon : EpsilonLowerBound > Options.Epsilon;
}

/// <summary>
/// Black-box membership audit of a generator (in the manner of Annamalai, Ganev &amp; De Cristofaro
/// 2024): the generator is fitted many times on the worst-case <see cref="AuditTable"/> with and without
/// the target record (half each, in random order), a synthetic table of public size is sampled from each
/// fit, and each is scored by the statistics of <see cref="AuditTable.Scores"/>. The statistic and
/// threshold that certify most on the first half of the runs are applied to the second half, whose error
/// counts give Clopper–Pearson bounds and ε_LB (<see cref="MembershipTestBound"/>): the choice sees
/// nothing of the second half, so no correction for it is needed. Only the synthetic output is used, as
/// an attacker would.
/// </summary>
public static class GeneratorAudit
{
    /// <summary>The generator kinds the audit can fit.</summary>
    public static IReadOnlyList<string> Kinds => AuditedGenerators.Kinds;

    /// <summary>The positive controls that apply to <paramref name="kind"/>, the default one first.</summary>
    public static IReadOnlyList<PositiveControl> Controls(string kind) => AuditedGenerators.Controls(kind);

    /// <summary>Runs the audit.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="progress">A line after every tenth of the fits; optional.</param>
    /// <param name="cancellation">Cancels between fits.</param>
    public static GeneratorAuditResult Run(GeneratorAuditOptions options, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string kind = options.Model;
        if (options.Control != PositiveControl.None && !AuditedGenerators.Controls(kind).Contains(options.Control))
            throw new ArgumentException($"the {options.Control.Name()} control does not apply to {kind}");
        var clock = Stopwatch.StartNew();
        var random = new AuditRandomness(options.Seed);
        bool[] withTarget = Assignment(options.Runs, random);
        var schema = AuditTable.Schema(privateCategoriesOfA: options.Control == PositiveControl.CategoriesWithoutDp);
        var faults = AuditFaults.For(options.Control);
        var tables = new[] { AuditTable.Create(false), AuditTable.Create(true) };

        var scores = new double[options.Runs][];
        var ledgerEpsilon = new double[options.Runs];
        int done = 0;
        Parallel.For(0, options.Runs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellation }, run =>
        {
            var fit = new AuditFit(tables[withTarget[run] ? 1 : 0], schema, options.Epsilon, options.Delta, options.SyntheticRows,
                random.FitSeed(1000 + (ulong)run), faults);
            var (synthetic, epsilon) = AuditedGenerators.FitAndSample(kind, options.Device, fit, cancellation);
            scores[run] = AuditTable.Scores(synthetic);
            ledgerEpsilon[run] = epsilon;
            int finished = Interlocked.Increment(ref done);
            if (progress is not null && finished * 10 / options.Runs != (finished - 1) * 10 / options.Runs)
                progress.Report(string.Create(CultureInfo.InvariantCulture,
                    $"audit generator {kind} (epsilon {options.Epsilon:R}{(options.Control == PositiveControl.None ? "" : ", control " + options.Control.Name())}): {finished}/{options.Runs} fits ({clock.Elapsed.TotalSeconds:0} s)"));
        });

        int half = options.Runs / 2;
        var (statistic, threshold) = Choose(scores[..half], withTarget[..half], options.Delta, options.Beta);
        var heldOut = scores[half..].Select(s => s[statistic]).ToArray();
        var test = Evaluate(AuditTable.Statistics[statistic], heldOut, withTarget[half..], threshold, options.Delta, options.Beta);
        double meanIn = Enumerable.Range(0, options.Runs).Where(r => withTarget[r]).Average(r => scores[r][statistic]);
        double meanOut = Enumerable.Range(0, options.Runs).Where(r => !withTarget[r]).Average(r => scores[r][statistic]);
        return new GeneratorAuditResult(options, ledgerEpsilon.Max(), meanIn, meanOut, test, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Which runs include the target: a random order with exactly a quarter of the runs "in" in each half.</summary>
    private static bool[] Assignment(int runs, AuditRandomness random)
    {
        var coins = random.Bookkeeping(7);
        var result = new bool[runs];
        int half = runs / 2;
        for (int start = 0; start < runs; start += half)
        {
            var part = Enumerable.Range(0, half).Select(i => i < half / 2).ToArray();
            for (int i = half - 1; i > 0; i--)
            {
                int j = (int)(coins.NextULong() % (ulong)(i + 1));
                (part[i], part[j]) = (part[j], part[i]);
            }
            part.CopyTo(result, start);
        }
        return result;
    }

    /// <summary>
    /// The statistic and threshold (among the observed values) whose ε_LB on these runs is largest;
    /// among equal ε_LB (often all 0 when the runs are few) the one with the largest TPR − FPR; ties keep the first.
    /// </summary>
    internal static (int Statistic, double Threshold) Choose(double[][] scores, bool[] isIn, double delta, double beta)
    {
        (int, double) best = (0, double.NegativeInfinity);
        (double Epsilon, double Youden) bestValue = (-1, double.NegativeInfinity);
        for (int s = 0; s < scores[0].Length; s++)
        {
            var values = scores.Select(v => v[s]).ToArray();
            foreach (double t in values.Distinct().Order())
            {
                var test = Evaluate("", values, isIn, t, delta, beta);
                (double, double) value = (test.Epsilon, 1 - (double)test.FalseNegatives / test.Positives - (double)test.FalsePositives / test.Negatives);
                if (value.CompareTo(bestValue) > 0) { bestValue = value; best = (s, t); }
            }
        }
        return best;
    }

    /// <summary>Error counts of "in when score ≥ threshold" and the ε_LB they certify.</summary>
    internal static MembershipTest Evaluate(string statistic, double[] scores, bool[] isIn, double threshold, double delta, double beta)
    {
        int fp = 0, negatives = 0, fn = 0, positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool guessIn = scores[i] >= threshold;
            if (isIn[i]) { positives++; if (!guessIn) fn++; }
            else { negatives++; if (guessIn) fp++; }
        }
        double fprUpper = ClopperPearson.Upper(fp, negatives, beta / 2), fnrUpper = ClopperPearson.Upper(fn, positives, beta / 2);
        return new MembershipTest(statistic, threshold, fp, negatives, fn, positives, fprUpper, fnrUpper, MembershipTestBound.Epsilon(fprUpper, fnrUpper, delta));
    }
}
