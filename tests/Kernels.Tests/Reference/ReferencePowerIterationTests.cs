namespace DpSynth.Kernels.Tests.Reference;

/// <summary>Power iteration converges to the top singular value of matrices whose spectrum is known.</summary>
public sealed class ReferencePowerIterationTests : ReferenceFixture
{
    [Fact]
    public void Converges_to_the_top_singular_value()
    {
        // W = H_u · D · H_v with Householder reflections (orthogonal), so W's singular values are D's
        // diagonal: 5, 3, 1, 0.5. The error in σ shrinks like (3/5)^(2k).
        double[] singular = [5, 3, 1, 0.5];
        const int rows = 6, cols = 4;
        var d = new double[rows, cols];
        for (int i = 0; i < singular.Length; i++) d[i, i] = singular[i];
        var w = Multiply(Multiply(Householder(rows, 1), d), Householder(cols, 2));
        var wt = Make(rows, cols, Flatten(w));
        var (u, v) = (Make(1, rows, Enumerable.Repeat(1f / MathF.Sqrt(rows), rows).ToArray()), Make(1, cols, Enumerable.Repeat(1f / MathF.Sqrt(cols), cols).ToArray()));
        float sigma = Ref.PowerIteration(wt, u, v, 60);
        Near(5, sigma, 1e-5, 0, "σ after 60 iterations");
        // u and v are the top singular pair: W v = σ u.
        var (us, vs) = (Host(u), Host(v));
        for (int i = 0; i < rows; i++)
        {
            double wv = Enumerable.Range(0, cols).Sum(j => w[i, j] * vs[j]);
            Near(sigma * us[i], wv, 1e-4, 1e-5, $"(Wv)[{i}] = σ·u[{i}]");
        }
    }

    [Fact]
    public void Rank_one_matrix_is_solved_in_one_iteration()
    {
        // W = 2.5·x·yᵀ with unit x, y: σ = 2.5 and one step aligns u with ±x, v with ±y.
        const int rows = 5, cols = 3;
        var x = Unit(Random(rows, 3));
        var y = Unit(Random(cols, 4));
        var w = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) w[i * cols + j] = 2.5f * x[i] * y[j];
        var (u, v) = (Make(1, rows, Unit(Random(rows, 5))), Make(1, cols, Unit(Random(cols, 6))));
        float sigma = Ref.PowerIteration(Make(rows, cols, w), u, v, 1);
        Near(2.5, sigma, 1e-6, 0, "σ of a rank-one matrix");
        double alignment = Math.Abs(Host(u).Zip(x, (p, q) => (double)p * q).Sum());
        Near(1, alignment, 1e-6, 0, "|u·x|");
    }

    private static float[] Unit(float[] x)
    {
        double norm = Math.Sqrt(x.Sum(e => (double)e * e));
        return x.Select(e => (float)(e / norm)).ToArray();
    }

    /// <summary>I − 2·h·hᵀ/‖h‖² for a seeded random h: orthogonal and symmetric.</summary>
    private static double[,] Householder(int n, int seed)
    {
        var h = Random(n, seed).Select(e => (double)e).ToArray();
        double squares = h.Sum(e => e * e);
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = (i == j ? 1 : 0) - 2 * h[i] * h[j] / squares;
        return m;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                for (int l = 0; l < k; l++) c[i, j] += a[i, l] * b[l, j];
        return c;
    }

    private static float[] Flatten(double[,] a) => a.Cast<double>().Select(e => (float)e).ToArray();
}
