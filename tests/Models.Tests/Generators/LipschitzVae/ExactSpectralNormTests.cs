using DpSynth.Models.Generators.LipschitzVae;
using MathNet.Numerics.LinearAlgebra;

namespace DpSynth.Models.Tests.Generators.LipschitzVae;

public sealed class ExactSpectralNormTests
{
    private static double[] RandomMatrix(int rows, int cols, int seed, int rank = 0)
    {
        var random = new Random(seed);
        var w = new double[rows * cols];
        if (rank == 0)
        {
            for (int i = 0; i < w.Length; i++) w[i] = random.NextDouble() * 2 - 1;
            return w;
        }
        // A rank-r product U·V: most singular values are exactly zero.
        var u = new double[rows * rank];
        var v = new double[rank * cols];
        for (int i = 0; i < u.Length; i++) u[i] = random.NextDouble() - 0.5;
        for (int i = 0; i < v.Length; i++) v[i] = random.NextDouble() - 0.5;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                for (int t = 0; t < rank; t++) w[r * cols + c] += u[r * rank + t] * v[t * cols + c];
        return w;
    }

    private static double DenseSvdNorm(double[] w, int rows, int cols) =>
        Matrix<double>.Build.Dense(rows, cols, (r, c) => w[r * cols + c]).Svd(computeVectors: false).S[0];

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(7, 3, 0)]
    [InlineData(3, 7, 0)]
    [InlineData(33, 17, 0)]
    [InlineData(64, 64, 0)]
    [InlineData(128, 105, 0)]
    [InlineData(40, 30, 2)]
    public void The_bound_is_the_dense_svd_norm_from_above_within_a_hair(int rows, int cols, int rank)
    {
        var w = RandomMatrix(rows, cols, rows * 31 + cols, rank);
        double svd = DenseSvdNorm(w, rows, cols);
        double bound = ExactSpectralNorm.UpperBound(w, rows, cols);
        Assert.True(bound >= svd, $"bound {bound:R} below the SVD's {svd:R}");
        Assert.True(bound <= svd * (1 + 1e-9), $"bound {bound:R} loose against the SVD's {svd:R}");
        var eigen = ExactSpectralNorm.GramEigenvalues(w, rows, cols);
        var s = Matrix<double>.Build.Dense(rows, cols, (r, c) => w[r * cols + c]).Svd(false).S;
        for (int i = 0; i < Math.Min(5, eigen.Length); i++) Assert.Equal(s[i] * s[i], eigen[i], 1e-9 * svd * svd);
    }

    [Fact]
    public void Power_iteration_approaches_from_below_and_the_exact_bound_is_above_it()
    {
        // Two close top singular values make power iteration slow: a few steps underestimate.
        int n = 20;
        var w = new double[n * n];
        for (int i = 0; i < n; i++) w[i * n + i] = i == 0 ? 1.0 : i == 1 ? 0.999 : 0.5;
        var random = new Random(3);
        var v = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        double estimate = 0;
        for (int step = 0; step < 5; step++)
        {
            var u = new double[n];
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) u[r] += w[r * n + c] * v[c];
            estimate = Math.Sqrt(u.Sum(x => x * x)) / Math.Sqrt(v.Sum(x => x * x));
            v = u;
        }
        double bound = ExactSpectralNorm.UpperBound(w, n, n);
        Assert.True(estimate < 1.0);
        Assert.True(bound >= 1.0);
        Assert.Equal(1.0, bound, 1e-9);
    }

    [Fact]
    public void A_zero_matrix_has_norm_zero_and_a_non_finite_one_is_refused()
    {
        Assert.Equal(0, ExactSpectralNorm.UpperBound(new double[6], 2, 3));
        Assert.Throws<ArgumentException>(() => ExactSpectralNorm.UpperBound([1, double.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => ExactSpectralNorm.UpperBound([1, 2, 3], 2, 2));
    }
}
