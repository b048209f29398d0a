using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Evaluation;

/// <summary>
/// Evaluates a synthetic table against the real table it imitates and a real test (holdout)
/// table: marginal fidelity, association difference, train-on-synthetic/test-on-real utility and
/// distance to closest record. Columns are matched by name; the real table's columns are the ones
/// evaluated. Nothing here is differentially private: it reads the real data freely and its output
/// is for the data custodian, not for release.
/// </summary>
public static class SyntheticDataEvaluator
{
    /// <summary>Runs every metric and returns the report.</summary>
    /// <param name="real">The real training table the generator was fitted on.</param>
    /// <param name="synthetic">The synthetic table.</param>
    /// <param name="test">Real rows not used for fitting (the holdout).</param>
    /// <param name="label">The binary (or one-versus-rest) label column for the utility task.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="EvaluationInputException">A column is absent or differs in kind, or the label is unusable.</exception>
    public static EvaluationReport Evaluate(Table real, Table synthetic, Table test, string label, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        if (options.OneWayBins < 2 || options.TwoWayBins < 2) throw new ArgumentOutOfRangeException(nameof(options), "Marginals need at least 2 bins.");
        var clock = Stopwatch.StartNew();
        if (real.Find(label) is null) throw new EvaluationInputException($"{real.Source}: no label column \"{label}\"");
        var tables = new AlignedTables(real, synthetic, test);
        var fidelity = Fidelity(tables, options);

        var backend = options.Backend ?? new SimdBackend();
        try
        {
            var utility = UtilityEvaluation.Compute(tables, label, backend, options);
            var dcr = DistanceToClosestRecord.Compute(tables, backend, options.DcrSampleRows, options.Seed);
            return new EvaluationReport(new TableSizes(real.RowCount, synthetic.RowCount, test.RowCount), label,
                fidelity, utility, dcr, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (options.Backend is null) backend.Dispose();
        }
    }

    private static FidelityReport Fidelity(AlignedTables tables, EvaluationOptions o)
    {
        var one = tables.Columns.Select(c => new DiscreteColumn(c, o.OneWayBins)).ToArray();
        var oneWay = one.Select(c => new ColumnScore(c.Name, MarginalMetrics.OneWayTvd(c))).ToArray();

        var two = tables.Columns.Select(c => new DiscreteColumn(c, o.TwoWayBins)).ToArray();
        var tvd = new List<PairScore>();
        var assoc = new List<PairScore>();
        for (int i = 0; i < two.Length; i++)
            for (int j = i + 1; j < two.Length; j++)
            {
                var (t, a) = MarginalMetrics.TwoWay(two[i], two[j]);
                tvd.Add(new PairScore(two[i].Name, two[j].Name, t));
                assoc.Add(new PairScore(two[i].Name, two[j].Name, a));
            }
        return new FidelityReport(
            MeanOf(oneWay.Select(s => s.Value)), MaxOf(oneWay.Select(s => s.Value)), o.OneWayBins,
            MeanOf(tvd.Select(s => s.Value)), MaxOf(tvd.Select(s => s.Value)), o.TwoWayBins,
            oneWay.OrderByDescending(s => s.Value).Take(o.WorstCount).ToArray(),
            tvd.OrderByDescending(s => s.Value).Take(o.WorstCount).ToArray(),
            MeanOf(assoc.Select(s => s.Value)), MarginalMetrics.AssociationMethod,
            assoc.OrderByDescending(s => s.Value).Take(o.WorstCount).ToArray(),
            tables.Columns.Where(c => c.IsNumeric).Select(c => new ColumnScore(c.Name, OutOfRangeShare(c.Numbers![AlignedTables.Real], c.Numbers[AlignedTables.Synthetic])))
                .OrderByDescending(s => s.Value).ToArray());
    }

    /// <summary>Share of the synthetic present values outside [min, max] of the real present values (0 when either has none).</summary>
    internal static double OutOfRangeShare(double[] real, double[] synthetic)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in real)
            if (!double.IsNaN(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        long present = 0, outside = 0;
        foreach (double v in synthetic)
        {
            if (double.IsNaN(v)) continue;
            present++;
            if (v < min || v > max) outside++;
        }
        return present == 0 || min > max ? 0 : (double)outside / present;
    }

    private static double MeanOf(IEnumerable<double> v) => v.DefaultIfEmpty(0).Average();
    private static double MaxOf(IEnumerable<double> v) => v.DefaultIfEmpty(0).Max();
}
