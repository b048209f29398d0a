using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins.Study;

/// <summary>
/// The experiment of Prediger, Jälkö, Honkela &amp; Kaski (2023) on the built-in clinic simulator.
/// Each centre's rows are split (seeded) into a training part and a held-out part; the union of
/// the held-out parts is the global test set. Each centre releases a twin of its training part
/// (M copies at ε, δ) with any registered <see cref="Generator"/>: one fit per centre on its training
/// part (the schema marks the study's outcome as the label, which an outcome-aware generator such as
/// DPVI models given the covariates), then M copies of the centre's row count
/// (<see cref="SampleRequest.ForCopy"/>). Then, for each centre,
/// the local-only fit (k = 0, robust HC1 intervals) is compared with local data plus the twins of
/// the first k other centres of R random orders (k = 1..K; <see cref="TwinAnalysis"/>'s recipe:
/// fit each of the M combined datasets, pool with Rubin's rules for synthetic data). Metrics are
/// the mean per-record test log-likelihood of the point estimate, the RMSE of the coefficients
/// against the simulator's truth, and coverage of the true coefficients by the 95% intervals.
/// A fit that fails (separation in a tiny centre, a level without events) is recorded as NaN and
/// counted, never thrown.
/// </summary>
public static class TwinStudy
{

    /// <summary>Runs the study.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="generator">Fits each centre's twin generator (a registry kind, or a test's fake).</param>
    /// <param name="settings">The generator's settings (e.g. epochs); none by default.</param>
    /// <param name="backend">Compute backend for generators that use one (<see cref="Generator.UsesBackend"/>); may be null for the others.</param>
    /// <param name="progress">Receives one report per simulated table, released twin and analysed centre (possibly from worker threads, one at a time).</param>
    /// <param name="cancellation">Cancels the study.</param>
    /// <exception cref="ArgumentException">Invalid settings (the study's or the generator's), or a generator that reported spending more than the budget.</exception>
    public static TwinStudyResult Run(TwinStudyOptions options, Generator generator, GeneratorSettings? settings = null, IComputeBackend? backend = null,
        IProgress<TwinStudyProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generator);
        options.Validate();
        var fitRequest = new FitRequest { Epsilon = options.Epsilon, Delta = options.Delta, Settings = settings ?? GeneratorSettings.Empty };
        generator.Validate(fitRequest);
        var clock = Stopwatch.StartNew();
        var truth = options.TrueModel;
        var formula = Formula.Parse(truth.Formula);
        var family = options.Family;

        // Simulate and split.
        ulong simulatorSeed = Derive(options.Seed, 1);
        var simulator = new ClinicSimulator(new ClinicSimulatorOptions(options.Rows, options.Centres, simulatorSeed));
        var all = simulator.Generate();
        var columns = formula.Columns.ToHashSet(StringComparer.Ordinal);
        // The outcome is the schema's one label: a generator that models an outcome (DPVI) takes it from there.
        var schema = new TableSchema(simulator.Schema.Columns.Where(c => columns.Contains(c.Name))
            .Select(c => c with { Role = c.Name == formula.Outcome ? ColumnRole.Label : ColumnRole.Feature }).ToArray(), simulator.Schema.MissingMarkers);
        var names = simulator.CentreNames;
        int centres = names.Count;
        var byCentre = Enumerable.Range(0, centres).Select(_ => new List<int>()).ToArray();
        var centreCodes = ((CategoricalColumn)all.Find("centre")!).Codes;
        for (int i = 0; i < centreCodes.Length; i++) byCentre[centreCodes[i]].Add(i);
        var train = new Table[centres];
        var testRows = new List<int>();
        var testCounts = new int[centres];
        for (int c = 0; c < centres; c++)
        {
            var rows = byCentre[c].ToArray();
            Shuffle(rows, new SimulationRandom(Derive(options.Seed, 2, (ulong)c)));
            int test = Math.Clamp((int)Math.Round(options.TestShare * rows.Length), 1, rows.Length - 2);
            testCounts[c] = test;
            testRows.AddRange(rows.AsSpan(0, test).ToArray());
            var trainRows = rows[test..];
            Array.Sort(trainRows);
            train[c] = TableRows.Select(all, trainRows, $"{names[c]} training rows", columns);
        }
        testRows.Sort();
        var testTable = TableRows.Select(all, testRows, "global test set", columns);
        double simulateSeconds = clock.Elapsed.TotalSeconds;
        progress?.Report(new TwinStudyProgress(TwinStudyStage.Simulate, 1, 1,
            $"simulated {all.RowCount} rows in {centres} centres; {all.RowCount - testTable.RowCount} training rows, {testTable.RowCount} test rows"));

        // Release every centre's twin.
        var twins = new IReadOnlyList<Table>[centres];
        var spent = new double[centres];
        var releaseSeconds = new double[centres];
        var generatorSeeds = new ulong?[centres];
        bool copiesFromOneModel = false;
        for (int c = 0; c < centres; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            var start = clock.Elapsed;
            generatorSeeds[c] = options.SeedGenerator ? Derive(options.Seed, 4, (ulong)c) : null;
            var model = generator.Fit(train[c], schema, fitRequest with { Seed = generatorSeeds[c], SchemaFile = $"schema of {names[c]}" }, backend, null, cancellation);
            if (!(model.Summary.Epsilon <= options.Epsilon))
                throw new ArgumentException($"generator {generator.Kind} reports epsilon {model.Summary.Epsilon} for {names[c]}, over the budget {options.Epsilon}");
            copiesFromOneModel = model.CopiesFromOneModel;
            twins[c] = ReleaseCopies(model, ReleasedRows(model), options.Copies, generatorSeeds[c], backend, names[c], cancellation);
            spent[c] = model.Summary.Epsilon;
            releaseSeconds[c] = (clock.Elapsed - start).TotalSeconds;
            progress?.Report(new TwinStudyProgress(TwinStudyStage.Release, c + 1, centres,
                $"{names[c]}: twin of {ReleasedRows(model)} rows released ({options.Copies} copies, epsilon {spent[c]:0.###}) in {releaseSeconds[c]:0.0} s"));
        }
        double releaseEnd = clock.Elapsed.TotalSeconds;

        // Analyse.
        var analysis = new TwinStudyAnalysis(formula, family, schema, truth, testTable, options.Fit, all);
        var smallHalf = SmallHalf(train);
        var local = new StudyMetrics[centres];
        int maxK = options.MaxK;
        var joins = new StudyJoin[centres][];
        int analysed = 0;
        var gate = new object();
        Parallel.For(0, centres, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellation }, c =>
        {
            local[c] = analysis.LocalOnly(train[c]);
            var mine = new StudyJoin[options.Orders * maxK];
            for (int r = 0; r < options.Orders; r++)
            {
                var order = Enumerable.Range(0, centres).Where(o => o != c).ToArray();
                Shuffle(order, new SimulationRandom(Derive(options.Seed, 3, (ulong)c, (ulong)r)));
                for (int k = 1; k <= maxK; k++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var partners = order[..k];
                    mine[r * maxK + k - 1] = new StudyJoin(c, r, k, partners, analysis.Joined(train[c], partners.Select(p => twins[p]).ToArray()));
                }
            }
            joins[c] = mine;
            lock (gate)
            {
                analysed++;
                int failed = mine.Count(j => !j.Metrics.Succeeded);
                progress?.Report(new TwinStudyProgress(TwinStudyStage.Analyse, analysed, centres,
                    $"{names[c]}: local-only{(local[c].Succeeded ? "" : " failed")} and {mine.Length} joins analysed{(failed > 0 ? $" ({failed} failed)" : "")}"));
            }
        });
        double analyseEnd = clock.Elapsed.TotalSeconds;

        var centreInfo = Enumerable.Range(0, centres)
            .Select(c => new StudyCentre(names[c], byCentre[c].Count, train[c].RowCount, testCounts[c], smallHalf[c], spent[c], releaseSeconds[c]))
            .ToArray();
        var flatJoins = joins.SelectMany(j => j).ToArray();
        var summary = Summarise(maxK, smallHalf, local, flatJoins);
        var timings = new StudyTimings(simulateSeconds, releaseEnd - simulateSeconds, analyseEnd - releaseEnd, clock.Elapsed.TotalSeconds);
        return new TwinStudyResult(options, generator.Kind, copiesFromOneModel, formula.Text, analysis.Truth, testTable.RowCount,
            centreInfo, local, flatJoins, summary, new StudySeeds(options.Seed, simulatorSeed, generatorSeeds), timings);
    }

    /// <summary>The M copies of a centre's twin, each of the centre's row count (<see cref="SampleRequest.ForCopy"/>).</summary>
    /// <summary>Rows per copy: the fit's DP row count (the centre's exact count is private).</summary>
    private static int ReleasedRows(FittedModel model) =>
        (int)(model.Summary.RowCount ?? throw new InvalidOperationException("The fit recorded no row count."));

    private static Table[] ReleaseCopies(FittedModel model, int rows, int copies, ulong? seed, IComputeBackend? backend, string party, CancellationToken cancellation)
    {
        var tables = new Table[copies];
        for (int m = 0; m < copies; m++)
        {
            cancellation.ThrowIfCancellationRequested();
            tables[m] = TableRows.Concat(model.Sample(SampleRequest.ForCopy(model, rows, m, copies, seed), backend), $"{party} twin {m + 1}");
        }
        return tables;
    }

    /// <summary>True for the ⌊C/2⌋ centres with the fewest training rows (ties to the earlier centre).</summary>
    private static bool[] SmallHalf(Table[] train)
    {
        var order = Enumerable.Range(0, train.Length).OrderBy(c => train[c].RowCount).ThenBy(c => c).ToArray();
        var small = new bool[train.Length];
        for (int i = 0; i < train.Length / 2; i++) small[order[i]] = true;
        return small;
    }

    internal static IReadOnlyList<StudySummaryRow> Summarise(int maxK, bool[] smallHalf, StudyMetrics[] local, StudyJoin[] joins)
    {
        var rows = new List<StudySummaryRow>();
        {
            var small = local.Where((_, c) => smallHalf[c]).ToArray();
            rows.Add(new StudySummaryRow(0, MeanFinite(small.Select(m => m.LogLikelihood)), MeanFinite(local.Select(m => m.LogLikelihood)),
                0, 0, double.NaN, double.NaN, MeanFinite(small.Select(m => m.CoefficientRmse)), MeanFinite(local.Select(m => m.CoefficientRmse)),
                Coverage(local), local.Length, local.Count(m => !m.Succeeded), 0));
        }
        for (int k = 1; k <= maxK; k++)
        {
            var atK = joins.Where(j => j.K == k).ToArray();
            var small = atK.Where(j => smallHalf[j.Centre]).ToArray();
            double Delta(StudyJoin j) => j.Metrics.LogLikelihood - local[j.Centre].LogLikelihood;
            double Beats(IEnumerable<StudyJoin> set)
            {
                var d = set.Select(Delta).Where(double.IsFinite).ToArray();
                return d.Length == 0 ? double.NaN : d.Count(x => x > 0) / (double)d.Length;
            }
            rows.Add(new StudySummaryRow(k,
                MeanFinite(small.Select(j => j.Metrics.LogLikelihood)), MeanFinite(atK.Select(j => j.Metrics.LogLikelihood)),
                MeanFinite(small.Select(Delta)), MeanFinite(atK.Select(Delta)), Beats(small), Beats(atK),
                MeanFinite(small.Select(j => j.Metrics.CoefficientRmse)), MeanFinite(atK.Select(j => j.Metrics.CoefficientRmse)),
                Coverage(atK.Select(j => j.Metrics)), atK.Length, atK.Count(j => !j.Metrics.Succeeded),
                atK.Count(j => j.Metrics.Succeeded && !local[j.Centre].Succeeded)));
        }
        return rows;
    }

    private static double MeanFinite(IEnumerable<double> values)
    {
        double sum = 0;
        int n = 0;
        foreach (var v in values) if (double.IsFinite(v)) { sum += v; n++; }
        return n == 0 ? double.NaN : sum / n;
    }

    private static double Coverage(IEnumerable<StudyMetrics> metrics)
    {
        long covered = 0, estimable = 0;
        foreach (var m in metrics) if (m.Succeeded) { covered += m.Covered; estimable += m.Estimable; }
        return estimable == 0 ? double.NaN : covered / (double)estimable;
    }

    private static void Shuffle(int[] items, SimulationRandom rng)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A seed for one purpose and index, mixed from the study seed (SplitMix64 finaliser), so streams do not overlap.</summary>
    internal static ulong Derive(ulong seed, ulong purpose, ulong a = 0, ulong b = 0)
    {
        ulong z = seed;
        foreach (var part in (ReadOnlySpan<ulong>)[purpose, a, b])
        {
            z += 0x9E3779B97F4A7C15UL + part * 0xD1B54A32D192ED03UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
        }
        return z;
    }
}
