namespace DpSynth.Models.Twins;

/// <summary>
/// A small dense Cholesky factorisation for the p×p systems of a GLM (p is tens at most, so a
/// plain triple loop in double beats the overhead of a general library). Matrices are row-major
/// p×p arrays; only the lower triangle of the input is read.
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _l;

    private Cholesky(double[] l, int size)
    {
        _l = l;
        Size = size;
    }

    public int Size { get; }

    /// <summary>
    /// Factorises <paramref name="a"/> = L·Lᵀ. Returns null and the failing column when a pivot is
    /// not above <paramref name="relativeTolerance"/> times the column's own diagonal entry: that
    /// column is (numerically) a linear combination of the columns before it.
    /// </summary>
    public static Cholesky? TryFactor(ReadOnlySpan<double> a, int p, double relativeTolerance, out int failedColumn)
    {
        var l = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            double d = a[j * p + j];
            for (int k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
            // What is left of the diagonal is the part of column j not explained by columns 0..j-1.
            if (!(d > relativeTolerance * Math.Abs(a[j * p + j])) || !(d > 0))
            {
                failedColumn = j;
                return null;
            }
            double djj = Math.Sqrt(d);
            l[j * p + j] = djj;
            for (int i = j + 1; i < p; i++)
            {
                double s = a[i * p + j];
                for (int k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
                l[i * p + j] = s / djj;
            }
        }
        failedColumn = -1;
        return new Cholesky(l, p);
    }

    /// <summary>Solves A·x = b in place.</summary>
    public void Solve(Span<double> b)
    {
        int p = Size;
        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= _l[i * p + k] * b[k];
            b[i] = s / _l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < p; k++) s -= _l[k * p + i] * b[k];
            b[i] = s / _l[i * p + i];
        }
    }

    /// <summary>A⁻¹ as a row-major p×p array.</summary>
    public double[] Inverse()
    {
        int p = Size;
        var inv = new double[p * p];
        var e = new double[p];
        for (int j = 0; j < p; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            Solve(e);
            for (int i = 0; i < p; i++) inv[i * p + j] = e[i];
        }
        // Symmetrise away rounding so that covariances are exactly symmetric.
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++)
                inv[i * p + j] = inv[j * p + i] = 0.5 * (inv[i * p + j] + inv[j * p + i]);
        return inv;
    }
}
