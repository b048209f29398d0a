using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Models.Tabular;

/// <summary>
/// The base measure for a numeric column's DP quantiles, built from its released range histograms
/// (post-processing): each cell — a part of an end bucket, or a whole bucket between them — weighs
/// what its noisy count shows beyond the noise (<see cref="RangeRefinement.Cells"/>), spread evenly over it. The exponential mechanism then
/// weighs an interval by roughly how many values the histograms put there rather than by its
/// length, so empty space beside or inside the data (a gap between a spike at 0 and the tail)
/// stops attracting bounds and knots. Whole-number columns are spread over [v − ½, v + ½) before
/// the mechanism, so their cells are laid out in that coordinate: a cell covers the whole numbers
/// it holds.
/// </summary>
internal static class RangePrior
{
    /// <summary>The measure over [<paramref name="from"/>, <paramref name="to"/>] (the mechanism's range), or null when the cells give none.</summary>
    public static PiecewiseMeasure? Build(IEnumerable<(double Lower, double Upper, double Mass)> cells, bool integer, double from, double to)
    {
        var edges = new List<double>();
        var masses = new List<double>();
        foreach (var (lower, upper, mass) in cells)
        {
            double lo, hi;
            if (integer)
            {
                // The whole numbers the cell holds: [lo, hi) for positive cells, (lo, hi] for negative ones, {0} for zero.
                double first = lower == upper ? 0 : upper <= 0 ? Math.Floor(lower) + 1 : Math.Ceiling(lower);
                double last = lower == upper ? 0 : upper <= 0 ? Math.Floor(upper) : Math.Ceiling(upper) - 1;
                if (last < first) continue;
                (lo, hi) = (first - 0.5, last + 0.5);
            }
            else
            {
                if (!(upper > lower)) continue; // a point: exact ties have no length for the mechanism
                (lo, hi) = (lower, upper);
            }
            if (edges.Count == 0) edges.Add(lo);
            else if (lo > edges[^1]) { masses.Add(0); edges.Add(lo); } // cannot happen for tiling cells; kept exact regardless
            edges.Add(Math.Max(hi, edges[^1]));
            masses.Add(hi > lo ? mass : 0);
        }
        if (masses.Count == 0) return null;
        // The mechanism's range may reach a little past the cells (bounds rounded outwards): the end cells stretch to it.
        edges[0] = Math.Min(edges[0], from);
        edges[^1] = Math.Max(edges[^1], to);
        try { return new PiecewiseMeasure(edges, masses); }
        catch (ArgumentException) { return null; } // degenerate (no positive mass): length weighs instead
    }
}
