using System.Globalization;
using DpSynth.Kernels;

namespace DpSynth.Models.Evaluation;

/// <summary>Train-on-synthetic/test-on-real and train-on-real/test-on-real with <see cref="LogisticRegression"/>.</summary>
internal static class UtilityEvaluation
{
    public static UtilityReport Compute(AlignedTables tables, string label, IComputeBackend backend, EvaluationOptions o)
    {
        var labelColumn = tables.Columns.First(c => c.Name == label);
        var features = tables.Columns.Where(c => c.Name != label).ToArray();
        var (positive, isPositive) = PositiveClass(labelColumn, o.PositiveLabel, tables.Tables[AlignedTables.Real].Source);

        var (testRows, testY) = Labelled(labelColumn, AlignedTables.Test, isPositive);
        ClassifierScore Score(int trainTable, out int width)
        {
            // Standardised with the training table's own statistics, as an analyst holding only that table would.
            var matrix = new FeatureMatrix(features, trainTable, intercept: true);
            width = matrix.Width;
            var (rows, y) = Labelled(labelColumn, trainTable, isPositive);
            var x = matrix.Build(trainTable, rows, out int n);
            var model = LogisticRegression.Fit(backend, x, n, matrix.Width, y, o.L2);
            var xt = matrix.Build(AlignedTables.Test, testRows, out int nt);
            var scores = model.Scores(backend, xt, nt);
            int correct = 0;
            for (int i = 0; i < nt; i++) if ((scores[i] > 0 ? 1 : 0) == testY[i]) correct++;
            return new ClassifierScore(nt == 0 ? double.NaN : (double)correct / nt, RocAuc.Compute(scores, testY), n, model.Iterations);
        }
        var onReal = Score(AlignedTables.Real, out int width);
        var onSynthetic = Score(AlignedTables.Synthetic, out _);
        string model = string.Create(CultureInfo.InvariantCulture,
            $"logistic regression, L2 λ = {o.L2:R} (intercept unpenalised), Newton's method; features one-hot categoricals and standardised numerics (training table's statistics), missing → 0; rows with a missing label dropped");
        return new UtilityReport(model, positive, width, onReal, onSynthetic);
    }

    /// <summary>The positive class and a test on a row's label value.</summary>
    private static (string Name, Func<AlignedColumn, int, int, int> IsPositive) PositiveClass(AlignedColumn label, string? requested, string realSource)
    {
        if (label.Numbers is { } numbers)
        {
            var distinct = numbers[AlignedTables.Real].Where(v => !double.IsNaN(v)).Distinct().OrderBy(v => v).ToArray();
            double positive;
            if (requested is not null)
            {
                if (!double.TryParse(requested, NumberStyles.Float, CultureInfo.InvariantCulture, out positive))
                    throw new EvaluationInputException($"{realSource}: positive label \"{requested}\" is not a number, but column \"{label.Name}\" is numeric");
            }
            else if (distinct.Length == 2) positive = distinct[1];
            else throw new EvaluationInputException($"{realSource}: label column \"{label.Name}\" is numeric with {distinct.Length} distinct values; a binary label is needed (or name the positive value)");
            return (positive.ToString("R", CultureInfo.InvariantCulture), (c, t, r) => c.Numbers![t][r] is var v && double.IsNaN(v) ? -1 : v == positive ? 1 : 0);
        }
        var counts = new int[label.Levels.Count];
        foreach (int code in label.Codes![AlignedTables.Real]) if (code >= 0) counts[code]++;
        int pos;
        if (requested is not null)
        {
            pos = label.Levels.ToList().IndexOf(requested);
            if (pos < 0) throw new EvaluationInputException($"{realSource}: label column \"{label.Name}\" has no value \"{requested}\"");
        }
        else
        {
            var present = Enumerable.Range(0, counts.Length).Where(k => counts[k] > 0).ToArray();
            if (present.Length < 2) throw new EvaluationInputException($"{realSource}: label column \"{label.Name}\" has fewer than two values in the real table");
            pos = present.OrderBy(k => counts[k]).ThenBy(k => k).First(); // the minority class
        }
        return (label.Levels[pos], (c, t, r) => c.Codes![t][r] is var k && k < 0 ? -1 : k == pos ? 1 : 0);
    }

    private static (int[] Rows, int[] Y) Labelled(AlignedColumn label, int table, Func<AlignedColumn, int, int, int> isPositive)
    {
        int n = label.Numbers?[table].Length ?? label.Codes![table].Length;
        var rows = new List<int>(n);
        var y = new List<int>(n);
        for (int r = 0; r < n; r++)
        {
            int v = isPositive(label, table, r);
            if (v < 0) continue;
            rows.Add(r);
            y.Add(v);
        }
        return (rows.ToArray(), y.ToArray());
    }
}
