namespace DpSynth.Privacy.Mechanisms;

/// <summary>
/// A piecewise-constant measure on [edges₀, edges_k]: cell i carries mass mᵢ spread uniformly over
/// [edgesᵢ, edgesᵢ₊₁). Used as the base measure of the exponential mechanism in
/// <see cref="DpQuantiles"/> instead of length, so that space a DP histogram showed empty weighs
/// little. It must depend on the private data only through earlier DP releases (it is then
/// post-processing, and the mechanism's cost is unchanged).
/// </summary>
public sealed class PiecewiseMeasure
{
    private readonly double[] _edges;
    private readonly double[] _cumulative; // measure of [edges₀, edgesᵢ)

    /// <summary>Creates the measure.</summary>
    /// <param name="edges">Cell edges, ascending (k + 1 of them).</param>
    /// <param name="masses">Mass of each of the k cells, finite and ≥ 0, positive in total; a cell of zero width must have none.</param>
    public PiecewiseMeasure(IReadOnlyList<double> edges, IReadOnlyList<double> masses)
    {
        if (edges.Count < 2 || masses.Count != edges.Count - 1) throw new ArgumentException("a piecewise measure needs k + 1 edges for k masses, k >= 1");
        _edges = edges.ToArray();
        _cumulative = new double[_edges.Length];
        for (int i = 0; i < masses.Count; i++)
        {
            double m = masses[i];
            if (!double.IsFinite(_edges[i]) || !(_edges[i + 1] >= _edges[i])) throw new ArgumentException("the edges of a piecewise measure must be finite and ascending");
            if (!(m >= 0) || double.IsInfinity(m) || (m > 0 && _edges[i + 1] == _edges[i])) throw new ArgumentException("cell masses must be finite, non-negative, and zero on cells of zero width");
            _cumulative[i + 1] = _cumulative[i] + m;
        }
        if (!double.IsFinite(_edges[^1]) || !(Total > 0)) throw new ArgumentException("a piecewise measure needs a finite upper edge and a positive total mass");
    }

    /// <summary>Lowest edge.</summary>
    public double Lower => _edges[0];

    /// <summary>Highest edge.</summary>
    public double Upper => _edges[^1];

    /// <summary>Total mass.</summary>
    public double Total => _cumulative[^1];

    /// <summary>Number of cells.</summary>
    public int Cells => _edges.Length - 1;

    /// <summary>The measure of [<see cref="Lower"/>, <paramref name="x"/>) (x clamped to the support).</summary>
    public double Cumulative(double x)
    {
        if (x <= _edges[0]) return 0;
        if (x >= _edges[^1]) return Total;
        int i = CellOf(x);
        double width = _edges[i + 1] - _edges[i];
        return _cumulative[i] + (_cumulative[i + 1] - _cumulative[i]) * (x - _edges[i]) / width;
    }

    /// <summary>The point x with <see cref="Cumulative"/>(x) = <paramref name="mass"/> (the lowest such point).</summary>
    public double Inverse(double mass)
    {
        if (mass <= 0) return _edges[0];
        if (mass >= Total) return _edges[^1];
        int lo = 0, hi = _cumulative.Length - 1; // first i with cumulative[i] >= mass, minus one
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (_cumulative[mid] < mass) lo = mid; else hi = mid;
        }
        double cell = _cumulative[lo + 1] - _cumulative[lo];
        return _edges[lo] + (_edges[lo + 1] - _edges[lo]) * (mass - _cumulative[lo]) / cell;
    }

    /// <summary>The cell holding x (x strictly inside the support): the last edge ≤ x.</summary>
    private int CellOf(double x)
    {
        int lo = 0, hi = _edges.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (_edges[mid] <= x) lo = mid; else hi = mid;
        }
        return lo;
    }
}
