namespace DpSynth.Models.Tabular;

/// <summary>
/// Builds the bins of a <see cref="BinnedNumericEncoder"/> from public bounds or a (DP) quantile
/// grid. A knot that the grid repeats marks a point mass (at least 1/K of the rows sit on that one
/// value: zeros of a capital-gain column, the 40 of an hours-per-week column) and becomes a bin of
/// its own, so that decoding reproduces the spike exactly instead of smearing it over an interval.
/// </summary>
internal static class NumericBins
{
    /// <summary>One bin per whole number in [lo, hi] — exact and free when the public range is short.</summary>
    public static (double[] Lower, double[] Upper) PerInteger(long lo, long hi)
    {
        int count = checked((int)(hi - lo + 1));
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = lo + i;
        return (values, (double[])values.Clone());
    }

    /// <summary>
    /// Bins of an integer column from knots already rounded to whole numbers (ends included):
    /// inclusive integer ranges cut at every distinct knot, with a point bin for each repeated knot.
    /// </summary>
    public static (double[] Lower, double[] Upper) IntegerFromKnots(ReadOnlySpan<double> roundedKnots)
    {
        var (values, counts) = Distinct(roundedKnots);
        var lower = new List<double>();
        var upper = new List<double>();
        double start = values[0];
        int last = values.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            double d = values[i];
            if (counts[i] >= 2)
            {
                if (start <= d - 1) { lower.Add(start); upper.Add(d - 1); }
                lower.Add(d); upper.Add(d);
                start = d + 1;
            }
            else if (i > 0 && i < last && start <= d - 1)
            {
                // A single knot cuts the range; the top knot closes the last range instead.
                lower.Add(start); upper.Add(d - 1);
                start = d;
            }
        }
        if (start <= values[last]) { lower.Add(start); upper.Add(values[last]); }
        return (lower.ToArray(), upper.ToArray());
    }

    /// <summary>
    /// Bins of a continuous column from knots (ends included): intervals [d_i, d_{i+1}) between
    /// distinct knots (the last one closed) and a point bin {d_i} before the interval of each
    /// repeated knot.
    /// </summary>
    public static (double[] Lower, double[] Upper) ContinuousFromKnots(ReadOnlySpan<double> knots)
    {
        var (values, counts) = Distinct(knots);
        var lower = new List<double>();
        var upper = new List<double>();
        for (int i = 0; i < values.Length; i++)
        {
            if (counts[i] >= 2 || values.Length == 1) { lower.Add(values[i]); upper.Add(values[i]); }
            if (i + 1 < values.Length) { lower.Add(values[i]); upper.Add(values[i + 1]); }
        }
        return (lower.ToArray(), upper.ToArray());
    }

    private static (double[] Values, int[] Counts) Distinct(ReadOnlySpan<double> knots)
    {
        var sorted = knots.ToArray();
        Array.Sort(sorted);
        var values = new List<double>();
        var counts = new List<int>();
        foreach (double k in sorted)
        {
            if (values.Count > 0 && values[^1] == k) counts[^1]++;
            else { values.Add(k); counts.Add(1); }
        }
        return (values.ToArray(), counts.ToArray());
    }
}
