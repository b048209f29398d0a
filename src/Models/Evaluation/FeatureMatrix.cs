namespace DpSynth.Models.Evaluation;

/// <summary>
/// Turns aligned columns into a dense float32 row-major matrix: numeric columns standardised with
/// the mean and standard deviation of one table (missing → 0, the mean), categorical columns one-hot
/// over the shared level list (missing → all zeros), and optionally a trailing intercept column of ones.
/// </summary>
internal sealed class FeatureMatrix
{
    private readonly IReadOnlyList<AlignedColumn> _columns;
    private readonly double[] _mean, _scale;
    private readonly int[] _offset;
    private readonly bool _intercept;

    /// <param name="columns">The feature columns.</param>
    /// <param name="statisticsTable">Which table's numeric means and deviations standardise every table.</param>
    /// <param name="intercept">Whether to append a column of ones.</param>
    public FeatureMatrix(IReadOnlyList<AlignedColumn> columns, int statisticsTable, bool intercept)
    {
        _columns = columns;
        _intercept = intercept;
        _mean = new double[columns.Count];
        _scale = new double[columns.Count];
        _offset = new int[columns.Count];
        int width = 0;
        for (int c = 0; c < columns.Count; c++)
        {
            _offset[c] = width;
            if (columns[c].Numbers is { } numbers)
            {
                (_mean[c], double sd) = MeanSd(numbers[statisticsTable]);
                _scale[c] = sd > 0 ? 1 / sd : 0; // a constant column carries no information
                width++;
            }
            else width += columns[c].Levels.Count;
        }
        Width = width + (intercept ? 1 : 0);
    }

    /// <summary>Columns of the matrix.</summary>
    public int Width { get; }

    /// <summary>The rows <paramref name="rows"/> (all when null) of <paramref name="table"/>, row-major.</summary>
    public float[] Build(int table, int[]? rows, out int count)
    {
        count = rows?.Length ?? (_columns.Count == 0 ? 0 : Length(_columns[0], table));
        var x = new float[(long)count * Width];
        for (int c = 0; c < _columns.Count; c++)
        {
            var col = _columns[c];
            int off = _offset[c];
            if (col.Numbers is { } numbers)
            {
                var v = numbers[table];
                for (int i = 0; i < count; i++)
                {
                    double value = v[rows?[i] ?? i];
                    x[(long)i * Width + off] = double.IsNaN(value) ? 0f : (float)((value - _mean[c]) * _scale[c]);
                }
            }
            else
            {
                var codes = col.Codes![table];
                for (int i = 0; i < count; i++)
                {
                    int code = codes[rows?[i] ?? i];
                    if (code >= 0) x[(long)i * Width + off + code] = 1f;
                }
            }
        }
        if (_intercept)
            for (int i = 0; i < count; i++) x[(long)i * Width + Width - 1] = 1f;
        return x;
    }

    private static int Length(AlignedColumn c, int table) => c.Numbers?[table].Length ?? c.Codes![table].Length;

    private static (double Mean, double Sd) MeanSd(double[] v)
    {
        double s = 0, ss = 0;
        int n = 0;
        foreach (double x in v)
        {
            if (double.IsNaN(x)) continue;
            s += x; ss += x * x; n++;
        }
        if (n == 0) return (0, 0);
        double mean = s / n;
        return (mean, Math.Sqrt(Math.Max(0, ss / n - mean * mean)));
    }
}
