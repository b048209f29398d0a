using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// The public box every encoded record lies in, as the Lipschitz VAE encodes it: a numeric value
/// scaled to [0, 1] (quantile-uniform or min–max, clamped to public or DP-released bounds) and
/// one-hot blocks (categories, missing-value indicators). Its L2 diameter is D = √(d_num + 2·d_onehot):
/// two records differ by at most 1 in a numeric coordinate and by √2 in a one-hot block (one slot off,
/// another on). The convex hull (numerics in [0, 1], each block on its probability simplex) has the
/// same diameter; the certificate checker searches it.
/// </summary>
public sealed class InputBox
{
    private readonly List<int> _numeric = [];
    private readonly List<(int Start, int Length)> _blocks = [];

    /// <summary>The box of <paramref name="encoder"/>'s rows.</summary>
    /// <exception cref="ArgumentException">A column is encoded in a way that leaves [0, 1] (e.g. quantile-normal).</exception>
    public InputBox(TableEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        Width = encoder.Width;
        int offset = 0;
        foreach (var column in encoder.Columns)
        {
            switch (column)
            {
                case NumericEncoder n when n.Transform is NumericTransform.QuantileUniform or NumericTransform.MinMax:
                    _numeric.Add(offset);
                    if (n.HasMissing) _blocks.Add((offset + 1, 2));
                    break;
                case OneHotEncoder o:
                    _blocks.Add((offset, o.Width));
                    break;
                default:
                    throw new ArgumentException($"column {column.Name}: the Lipschitz VAE needs numeric values scaled to [0, 1] and one-hot categories, not a {column.GetType().Name}");
            }
            offset += column.Width;
        }
        NumericCount = _numeric.Count;
        OneHotCount = _blocks.Count(b => b.Length > 1);
    }

    /// <summary>The encoded positions of the numeric values (each in [0, 1]).</summary>
    public IReadOnlyList<int> NumericPositions => _numeric;

    /// <summary>Encoded width d.</summary>
    public int Width { get; }

    /// <summary>Numeric coordinates d_num.</summary>
    public int NumericCount { get; }

    /// <summary>One-hot blocks of two or more slots d_onehot (a one-slot block is constant).</summary>
    public int OneHotCount { get; }

    /// <summary>The L2 diameter D = √(d_num + 2·d_onehot).</summary>
    public double Diameter => Math.Sqrt(NumericCount + 2.0 * OneHotCount);

    /// <summary>Projects <paramref name="x"/> onto the hull of the box (numerics clamped to [0, 1], blocks onto the simplex).</summary>
    public void Project(Span<double> x)
    {
        foreach (int i in _numeric) x[i] = Math.Clamp(x[i], 0, 1);
        foreach (var (start, length) in _blocks) ProjectSimplex(x.Slice(start, length));
    }

    /// <summary>A random vertex of the box: numerics at 0 or 1 or uniform, one slot on per block.</summary>
    public void RandomVertex(Random random, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(random);
        x.Clear();
        foreach (int i in _numeric) x[i] = random.Next(3) switch { 0 => 0, 1 => 1, _ => random.NextDouble() };
        foreach (var (start, length) in _blocks) x[start + random.Next(length)] = 1;
    }

    /// <summary>Euclidean projection onto the probability simplex (sort-based; Held, Wolfe &amp; Crowder 1974).</summary>
    private static void ProjectSimplex(Span<double> v)
    {
        var sorted = v.ToArray();
        Array.Sort(sorted, (a, b) => b.CompareTo(a));
        double cumulative = 0, theta = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            cumulative += sorted[i];
            double t = (cumulative - 1) / (i + 1);
            if (sorted[i] - t > 0) theta = t;
        }
        for (int i = 0; i < v.Length; i++) v[i] = Math.Max(0, v[i] - theta);
    }
}
