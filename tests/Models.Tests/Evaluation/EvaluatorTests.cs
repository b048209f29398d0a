using DpSynth.Models.Evaluation;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static Table Clinic(int rows, ulong seed) => new ClinicSimulator(new ClinicSimulatorOptions(rows, 16, seed)).Generate();

    /// <summary>Each column permuted independently: marginals kept, every relationship destroyed.</summary>
    private static Table ShuffledColumns(Table t, int seed)
    {
        var rng = new Random(seed);
        var columns = new List<TableColumn>();
        foreach (var c in t.Columns)
        {
            int[] perm = Enumerable.Range(0, t.RowCount).OrderBy(_ => rng.Next()).ToArray();
            columns.Add(c switch
            {
                NumericColumn n => new NumericColumn(n.Name, n.Kind, perm.Select(i => n.Values[i]).ToArray(), t.RowCount),
                CategoricalColumn k => new CategoricalColumn(k.Name, k.Kind, perm.Select(i => k.Codes[i]).ToArray(), t.RowCount, k.Levels),
                _ => throw new InvalidOperationException(),
            });
        }
        return new Table("shuffled", columns);
    }

    [Fact]
    public void OutOfRangeShareCountsSyntheticValuesBeyondTheRealRange()
    {
        Assert.Equal(0.5, SyntheticDataEvaluator.OutOfRangeShare([1, 5, double.NaN, 3], [0.5, 1, 5, 5.1, double.NaN]), 12);
        Assert.Equal(0, SyntheticDataEvaluator.OutOfRangeShare([double.NaN], [7]));
        var real = Clinic(2000, 1);
        var r = SyntheticDataEvaluator.Evaluate(real, real, Clinic(500, 2), "event");
        Assert.Equal(["age", "bmi", "visits"], r.Fidelity.OutOfRange!.Select(s => s.Column).Order());
        Assert.All(r.Fidelity.OutOfRange!, s => Assert.Equal(0, s.Value));
    }

    [Fact]
    public void IdenticalCopyHasZeroDistanceAndIsAllCopies()
    {
        var real = Clinic(3000, 1);
        var test = Clinic(1000, 2);
        var r = SyntheticDataEvaluator.Evaluate(real, real, test, "event");
        Assert.Equal(0, r.Fidelity.OneWayTvdMean, 12);
        Assert.Equal(0, r.Fidelity.TwoWayTvdMean, 12);
        Assert.Equal(0, r.Fidelity.CorrelationDifference, 12);
        Assert.Equal(1.0, r.Privacy.ExactCopyShareSynthetic);
        Assert.Equal(0, r.Privacy.SyntheticToTrainMedian, 2);
        Assert.True(r.Privacy.HoldoutToTrainMedian > 0.1);
        Assert.Equal(r.Utility.TrainOnReal.RocAuc, r.Utility.TrainOnSynthetic.RocAuc, 9);
        Assert.Equal("true", r.Utility.PositiveClass);
    }

    [Fact]
    public void ShuffledColumnsKeepMarginalsButLoseStructureAndUtility()
    {
        var real = Clinic(4000, 3);
        var test = Clinic(2000, 4);
        var r = SyntheticDataEvaluator.Evaluate(real, ShuffledColumns(real, 5), test, "event");
        Assert.Equal(0, r.Fidelity.OneWayTvdMean, 12);
        Assert.True(r.Fidelity.TwoWayTvdMean > 0.02, $"2-way TVD {r.Fidelity.TwoWayTvdMean}");
        Assert.True(r.Fidelity.CorrelationDifference > 0.01);
        Assert.True(r.Utility.TrainOnReal.RocAuc > 0.6, $"TRTR AUC {r.Utility.TrainOnReal.RocAuc}");
        Assert.InRange(r.Utility.TrainOnSynthetic.RocAuc, 0.4, r.Utility.TrainOnReal.RocAuc - 0.05);
        Assert.True(r.Privacy.ExactCopyShareSynthetic < 0.01);
    }

    [Fact]
    public void CategoryCodesAreMatchedByValueNotByCode()
    {
        var real = Clinic(2000, 6);
        // Same values, reversed level order: the codes differ everywhere, the table does not.
        var reordered = new Table("reordered", real.Columns.Select(c =>
        {
            if (c is not CategoricalColumn k) return c;
            int L = k.Levels.Count;
            return (TableColumn)new CategoricalColumn(k.Name, k.Kind, k.Codes.ToArray().Select(x => x < 0 ? x : L - 1 - x).ToArray(), k.Length, k.Levels.Reverse().ToArray());
        }).ToArray());
        var r = SyntheticDataEvaluator.Evaluate(real, reordered, Clinic(500, 7), "event");
        Assert.Equal(0, r.Fidelity.TwoWayTvdMean, 12);
        Assert.Equal(1.0, r.Privacy.ExactCopyShareSynthetic);
    }

    [Fact]
    public void UnknownLabelAndMissingColumnAreOneLineErrors()
    {
        var real = Clinic(500, 8);
        var e = Assert.Throws<EvaluationInputException>(() => SyntheticDataEvaluator.Evaluate(real, real, real, "income"));
        Assert.Contains("income", e.Message);
        var fewer = new Table("synth.csv", real.Columns.Where(c => c.Name != "bmi").ToArray());
        e = Assert.Throws<EvaluationInputException>(() => SyntheticDataEvaluator.Evaluate(real, fewer, real, "event"));
        Assert.Contains("synth.csv", e.Message);
        Assert.Contains("bmi", e.Message);
    }

    [Fact]
    public void ReportSerialisesWithSnakeCaseNames()
    {
        var real = Clinic(800, 9);
        var json = SyntheticDataEvaluator.Evaluate(real, ShuffledColumns(real, 1), Clinic(300, 10), "event").ToJson();
        Assert.Contains("\"one_way_tvd_mean\"", json);
        Assert.Contains("\"train_on_synthetic\"", json);
        Assert.Contains("\"roc_auc\"", json);
        Assert.Contains("\"synthetic_to_train_median\"", json);
        Assert.NotNull(EvaluationReport.FromJson(json));
    }

    [Fact]
    public void RocAucMatchesPairCounting()
    {
        var rng = new Random(11);
        var scores = Enumerable.Range(0, 300).Select(_ => Math.Round(rng.NextDouble() * 10) / 10).ToArray(); // many ties
        var labels = scores.Select(s => rng.NextDouble() < s ? 1 : 0).ToArray();
        double pairs = 0, wins = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
                if (labels[i] == 1 && labels[j] == 0) { pairs++; wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0; }
        Assert.Equal(wins / pairs, RocAuc.Compute(scores, labels), 12);
    }

    [Fact]
    public void QuantileEdgesCollapseOnASpike()
    {
        var values = Enumerable.Repeat(0.0, 900).Concat(Enumerable.Range(1, 100).Select(i => (double)i)).ToArray();
        var edges = DiscreteColumn.QuantileEdges(values, 20);
        Assert.Equal(edges.Distinct().Count(), edges.Length);
        Assert.True(edges.Length <= 2, string.Join(",", edges));
        Assert.Equal(0, DiscreteColumn.UpperBound(edges, 0.0));
    }
}
