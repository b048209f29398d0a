namespace DpSynth.Models.Twins.Study;

/// <summary>What the study knows about one centre.</summary>
/// <param name="Name">Centre name, e.g. "C03".</param>
/// <param name="Rows">Simulated rows of the centre.</param>
/// <param name="TrainRows">Rows in its training part (its local data, and what its twin is fitted on).</param>
/// <param name="TestRows">Rows it contributes to the global test set.</param>
/// <param name="SmallHalf">Whether it is among the smallest half of the centres by training rows.</param>
/// <param name="EpsilonSpent">ε its twin's release spent.</param>
/// <param name="ReleaseSeconds">Wall time of its twin's release.</param>
public sealed record StudyCentre(string Name, int Rows, int TrainRows, int TestRows, bool SmallHalf, double EpsilonSpent, double ReleaseSeconds);

/// <summary>The figures of one analysis (local-only, or local plus k twins pooled over M copies).</summary>
/// <param name="LogLikelihood">Mean per-record log-likelihood of the (pooled) point estimate on the global test set; NaN when the analysis failed.</param>
/// <param name="CoefficientRmse">Root mean squared error of the estimates against the true coefficients (all of them; one the data cannot estimate counts as 0); NaN when failed.</param>
/// <param name="Covered">True coefficients inside their 95% intervals.</param>
/// <param name="Estimable">Coefficients with an interval (levels present in the data).</param>
/// <param name="FailedFits">Fits (of the M combined datasets, or the local fit) that failed.</param>
/// <param name="DroppedRows">Rows left out of the fits (summed over the M combined datasets): synthetic rows of a level missing from some of them, and rows of a degenerate level (see <paramref name="ExcludedLevels"/>).</param>
/// <param name="ExcludedLevels">Levels left out as "column[level]": missing from some combined datasets, or degenerate — every record of the level has outcome 0 (or, logistic, every one 1), so its maximum-likelihood coefficient is at infinity.</param>
/// <param name="Error">Why the analysis failed, or the first failed fit's reason; null when all fits succeeded.</param>
public sealed record StudyMetrics(double LogLikelihood, double CoefficientRmse, int Covered, int Estimable, int FailedFits, int DroppedRows,
    IReadOnlyList<string> ExcludedLevels, string? Error)
{
    /// <summary>Whether the analysis produced an estimate.</summary>
    public bool Succeeded => double.IsFinite(LogLikelihood);

    /// <summary>The figures of a failed analysis.</summary>
    public static StudyMetrics Failed(string error, int failedFits, int dropped = 0, IReadOnlyList<string>? excluded = null) =>
        new(double.NaN, double.NaN, 0, 0, failedFits, dropped, excluded ?? [], error);
}

/// <summary>One join: centre <paramref name="Centre"/> with the twins of the first <paramref name="K"/> centres of order <paramref name="Order"/>.</summary>
/// <param name="Centre">Index of the analysing centre.</param>
/// <param name="Order">Index of the random order.</param>
/// <param name="K">Number of other centres' twins joined.</param>
/// <param name="Partners">Indices of the joined centres, in joining order.</param>
/// <param name="Metrics">The pooled analysis' figures.</param>
public sealed record StudyJoin(int Centre, int Order, int K, IReadOnlyList<int> Partners, StudyMetrics Metrics);

/// <summary>The study's summary for one k (k = 0 is local-only).</summary>
/// <param name="K">Number of other centres' twins joined.</param>
/// <param name="MeanLogLikelihoodSmall">Mean test log-likelihood over the smallest-half centres' successful analyses.</param>
/// <param name="MeanLogLikelihoodAll">The same over all centres.</param>
/// <param name="DeltaSmall">Mean over the small half of (log-likelihood with k twins − local-only), over joins where both succeeded.</param>
/// <param name="DeltaAll">The same over all centres.</param>
/// <param name="BeatsSmall">Share of the small half's joins where local+twins has a higher test log-likelihood than local-only (of those where both succeeded).</param>
/// <param name="BeatsAll">The same over all centres.</param>
/// <param name="RmseSmall">Mean coefficient RMSE over the small half.</param>
/// <param name="RmseAll">Mean coefficient RMSE over all centres.</param>
/// <param name="Coverage">Share of true coefficients inside their 95% intervals, over all centres' successful analyses.</param>
/// <param name="Analyses">Analyses at this k (centres × orders, or centres for k = 0).</param>
/// <param name="Failed">Analyses that failed.</param>
/// <param name="LocalFailedPairs">Joins not compared with local-only because the local fit failed.</param>
public sealed record StudySummaryRow(int K, double MeanLogLikelihoodSmall, double MeanLogLikelihoodAll, double DeltaSmall, double DeltaAll,
    double BeatsSmall, double BeatsAll, double RmseSmall, double RmseAll, double Coverage, int Analyses, int Failed, int LocalFailedPairs);

/// <summary>Wall time of the study's parts, in seconds.</summary>
/// <param name="Simulate">Simulating and splitting the data.</param>
/// <param name="Release">Releasing all twins.</param>
/// <param name="Analyse">All local-only and local+twins analyses.</param>
/// <param name="Total">The whole study.</param>
public sealed record StudyTimings(double Simulate, double Release, double Analyse, double Total);

/// <summary>The seeds a study used, derived from <see cref="TwinStudyOptions.Seed"/>.</summary>
/// <param name="Study">The study seed.</param>
/// <param name="Simulator">Seed of the clinic simulator.</param>
/// <param name="Generators">Seed given to each centre's generator, or null where secure randomness was used.</param>
public sealed record StudySeeds(ulong Study, ulong Simulator, IReadOnlyList<ulong?> Generators);

/// <summary>Everything a <see cref="TwinStudy"/> run measured.</summary>
/// <param name="Options">The settings.</param>
/// <param name="Generator">The twin generator's kind.</param>
/// <param name="CopiesFromOneModel">Whether the generator's copies come from one fitted model (see <see cref="Generators.FittedModel.CopiesFromOneModel"/>).</param>
/// <param name="Formula">The regression formula.</param>
/// <param name="TrueCoefficients">The simulator's true coefficients, by layout name ("(Intercept)", "column[level]").</param>
/// <param name="TestRows">Rows of the global test set.</param>
/// <param name="Centres">The centres, in simulator order.</param>
/// <param name="Local">Local-only figures per centre (k = 0).</param>
/// <param name="Joins">Every join, ordered by centre, order and k.</param>
/// <param name="Summary">One row per k = 0..<see cref="TwinStudyOptions.MaxK"/>.</param>
/// <param name="Seeds">The seeds used.</param>
/// <param name="Timings">Wall times.</param>
public sealed record TwinStudyResult(
    TwinStudyOptions Options, string Generator, bool CopiesFromOneModel, string Formula,
    IReadOnlyDictionary<string, double> TrueCoefficients, int TestRows, IReadOnlyList<StudyCentre> Centres,
    IReadOnlyList<StudyMetrics> Local, IReadOnlyList<StudyJoin> Joins, IReadOnlyList<StudySummaryRow> Summary,
    StudySeeds Seeds, StudyTimings Timings)
{
    /// <summary>Statements a reader of the figures must know.</summary>
    public IEnumerable<string> Caveats()
    {
        if (CopiesFromOneModel)
            yield return $"Generator {Generator}: each twin's {Options.Copies} copies are draws from one fitted model, so between-copy variation carries no generator parameter uncertainty and pooled (Rubin) intervals are too narrow.";
        else
            yield return $"Generator {Generator}: each twin's {Options.Copies} copies come from separate draws of the fitted model's parameters (DPVI: separate draws from its variational posterior), so between-copy variation carries parameter uncertainty; how wide it is rests on the generator's fit and public hyper-parameters (DPVI under DP-SGD: largely its initial posterior sd), not on an exact posterior.";
        if (Options.SeedGenerator)
            yield return "The generators were seeded from the study seed: their noise is reproducible and not secret (an experiment, not a release).";
        yield return "Each twin has its centre's training row count (released outside the DP guarantee), as in the paper's setting.";
        yield return "A coefficient the data cannot estimate counts as 0 in the test log-likelihood and the RMSE and has no interval: a level absent from the data, a level missing from some of the M combined datasets (its synthetic rows are left out of that join), or a degenerate level whose records all have outcome 0 (logistic: all 0 or all 1; its rows are left out, as its estimate would be infinite).";
    }
}
