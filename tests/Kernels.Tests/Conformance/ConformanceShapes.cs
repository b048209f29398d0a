namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>Shape grids built from a suite's <c>Sizes</c>, shared by the op-family suites.</summary>
internal static class ConformanceShapes
{
    /// <summary>Every (rows, cols) pair of the sizes.</summary>
    public static IEnumerable<(int Rows, int Cols)> Grid(IReadOnlyList<int> sizes)
    {
        foreach (int rows in sizes)
            foreach (int cols in sizes)
                yield return (rows, cols);
    }

    /// <summary>
    /// Column-span layouts for a row of <paramref name="cols"/> columns: one span over the whole row,
    /// and (when there is room) several spans of mixed lengths — 1, 2, vector-width misfits, one
    /// longer than a vector — with gaps before, between and after them.
    /// </summary>
    public static IEnumerable<(string Name, ColumnSpans Spans)> SpanLayouts(int cols)
    {
        yield return ("whole row", new ColumnSpans([(0, cols)]));
        var spans = new List<(int, int)>();
        int start = 1;
        foreach (int length in new[] { 2, 1, 5, 17, 3, 40 })
        {
            if (start + length > cols) break;
            spans.Add((start, length));
            start += length + (spans.Count % 2); // gaps between every other pair
        }
        if (spans.Count > 0) yield return ($"{spans.Count} spans with gaps", new ColumnSpans(spans));
    }
}
