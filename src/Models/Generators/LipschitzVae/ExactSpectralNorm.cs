namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// A certified upper bound on the spectral norm ‖W‖₂ of a dense matrix, computed in double precision
/// from the eigenvalues of the Gram matrix G = WᵀW (or WWᵀ, the smaller) by cyclic Jacobi rotations —
/// not by power iteration, which approaches ‖W‖₂ from below and so underestimates it.
/// </summary>
/// <remarks>
/// The bound: after the rotations, every eigenvalue of the rotated G lies in a Gershgorin disc, so
/// λ_max ≤ max_i (G_ii + Σ_{j≠i} |G_ij|). Rounding (forming G, the rotations) moves eigenvalues by at
/// most a small multiple of n·u·‖G‖_F (u = 2⁻⁵³); <see cref="RoundingSlack"/> adds 64·n·u·‖G‖_F, far
/// above that, and the square root is rounded up by a relative 1e-12.
/// </remarks>
public static class ExactSpectralNorm
{
    /// <summary>The relative rounding slack per unit of n (64·u).</summary>
    public const double RoundingSlack = 64 * 1.1102230246251565e-16;

    /// <summary>A certified upper bound on ‖W‖₂ of the rows × cols matrix <paramref name="w"/> (row-major).</summary>
    /// <param name="w">The matrix, row-major.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    public static double UpperBound(ReadOnlySpan<float> w, int rows, int cols)
    {
        var d = new double[w.Length];
        for (int i = 0; i < d.Length; i++) d[i] = w[i];
        return UpperBound(d, rows, cols);
    }

    /// <inheritdoc cref="UpperBound(ReadOnlySpan{float}, int, int)"/>
    public static double UpperBound(ReadOnlySpan<double> w, int rows, int cols)
    {
        if (rows < 1 || cols < 1 || w.Length != rows * cols) throw new ArgumentException($"a {rows}×{cols} matrix needs {rows * cols} values, got {w.Length}");
        foreach (double v in w) if (!double.IsFinite(v)) throw new ArgumentException("the matrix holds a non-finite value");
        var g = Gram(w, rows, cols, out int n);
        double frobenius = 0;
        foreach (double v in g) frobenius += v * v;
        frobenius = Math.Sqrt(frobenius);
        if (frobenius == 0) return 0;
        Jacobi(g, n);
        double lambda = 0;
        for (int i = 0; i < n; i++)
        {
            double disc = g[i * n + i];
            for (int j = 0; j < n; j++) if (j != i) disc += Math.Abs(g[i * n + j]);
            lambda = Math.Max(lambda, disc);
        }
        lambda += RoundingSlack * n * frobenius;
        return Math.Sqrt(lambda) * (1 + 1e-12);
    }

    /// <summary>The eigenvalues of the Gram matrix (descending), for tests and diagnostics.</summary>
    public static double[] GramEigenvalues(ReadOnlySpan<double> w, int rows, int cols)
    {
        var g = Gram(w, rows, cols, out int n);
        Jacobi(g, n);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = g[i * n + i];
        Array.Sort(values, (a, b) => b.CompareTo(a));
        return values;
    }

    /// <summary>G = WᵀW when cols ≤ rows, else WWᵀ (n × n with n = min(rows, cols)); both share the non-zero eigenvalues.</summary>
    private static double[] Gram(ReadOnlySpan<double> w, int rows, int cols, out int n)
    {
        bool columns = cols <= rows;
        n = columns ? cols : rows;
        int k = columns ? rows : cols;
        var g = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < k; t++)
                    s += columns ? w[t * cols + i] * w[t * cols + j] : w[i * cols + t] * w[j * cols + t];
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        return g;
    }

    /// <summary>Cyclic Jacobi rotations on the symmetric n × n matrix <paramref name="a"/> until its off-diagonal part is negligible.</summary>
    private static void Jacobi(double[] a, int n)
    {
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (i != j) off += a[i * n + j] * a[i * n + j]; else diag += a[i * n + i] * a[i * n + i];
            if (off <= 1e-30 * diag) return;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double app = a[p * n + p], aqq = a[q * n + q];
                    // Rotation angle θ with tan 2θ = 2·a_pq/(a_qq − a_pp), the smaller root for stability.
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
        }
    }
}
