using DpSynth.Kernels;

namespace DpSynth.Models.Evaluation;

/// <summary>
/// L2-regularised logistic regression fitted by Newton's method with step halving. The O(n·d²)
/// Hessian XᵀSX and the products X·w and Xᵀr run as backend GEMMs in float32; the d×d system is
/// solved by Cholesky in double. Objective: Σ log(1 + e^{−y·z}) + λ/2·‖w‖², the last feature (the
/// intercept column) unpenalised.
/// </summary>
internal sealed class LogisticRegression
{
    private const int MaxIterations = 30;

    private LogisticRegression(double[] weights, int iterations)
    {
        Weights = weights;
        Iterations = iterations;
    }

    public double[] Weights { get; }
    public int Iterations { get; }

    /// <summary>Fits weights for row-major <paramref name="x"/> (n × d, last column the intercept) and 0/1 labels.</summary>
    public static LogisticRegression Fit(IComputeBackend backend, float[] x, int n, int d, int[] y, double l2)
    {
        using var scope = new TensorScope(backend);
        var tx = scope.Upload(x, n, d);
        var tw = scope.Allocate(d, 1);
        var tz = scope.Allocate(n, 1);
        var txs = scope.Allocate(n, d);
        var th = scope.Allocate(d, d);
        var tg = scope.Allocate(d, 1);
        var z = new float[n];
        var xs = new float[(long)n * d];
        var h = new float[d * d];
        var g = new float[d];
        var w = new double[d];
        var r = new float[n];

        double objective = Objective(backend, tx, tw, tz, z, w, y, l2);
        int it = 0;
        for (; it < MaxIterations; it++)
        {
            // Gradient Xᵀ(p − y) + λw and Hessian Xᵀ diag(p(1−p)) X + λI, with z = X·w from the last objective.
            for (int i = 0; i < n; i++)
            {
                double p = Sigmoid(z[i]);
                r[i] = (float)(p - y[i]);
                float s = (float)Math.Sqrt(Math.Max(p * (1 - p), 1e-12));
                int o = i * d;
                for (int j = 0; j < d; j++) xs[o + j] = x[o + j] * s;
            }
            backend.Upload(r, tz);
            backend.Gemm(tx, true, tz, false, tg);
            backend.Upload(xs, txs);
            backend.Gemm(txs, true, txs, false, th);
            backend.Download(tg, g);
            backend.Download(th, h);
            var grad = new double[d];
            var hess = new double[d * d];
            for (int j = 0; j < d; j++)
            {
                double penalty = j == d - 1 ? 0 : l2;
                grad[j] = g[j] + penalty * w[j];
                for (int k = 0; k < d; k++) hess[j * d + k] = h[j * d + k];
                hess[j * d + j] += penalty + 1e-8 * n; // a jitter keeps separable or constant columns solvable
            }
            var step = CholeskySolve(hess, grad, d);

            double t = 1, next = double.PositiveInfinity;
            var candidate = new double[d];
            for (int halving = 0; halving < 30; halving++, t *= 0.5)
            {
                for (int j = 0; j < d; j++) candidate[j] = w[j] - t * step[j];
                next = Objective(backend, tx, tw, tz, z, candidate, y, l2);
                if (next <= objective) break;
            }
            if (!(next <= objective)) { Objective(backend, tx, tw, tz, z, w, y, l2); break; }
            double change = 0;
            for (int j = 0; j < d; j++) change = Math.Max(change, Math.Abs(candidate[j] - w[j]));
            Array.Copy(candidate, w, d);
            double gain = objective - next;
            objective = next;
            if (change < 1e-6 || gain < 1e-9 * Math.Max(1, Math.Abs(objective))) { it++; break; }
        }
        return new LogisticRegression(w, it);
    }

    /// <summary>Linear scores X·w for row-major <paramref name="x"/> (n × d).</summary>
    public double[] Scores(IComputeBackend backend, float[] x, int n)
    {
        int d = Weights.Length;
        using var scope = new TensorScope(backend);
        var tx = scope.Upload(x, n, d);
        var tw = scope.Upload(Weights.Select(v => (float)v).ToArray(), d, 1);
        var tz = scope.Allocate(n, 1);
        backend.Gemm(tx, false, tw, false, tz);
        var z = new float[n];
        backend.Download(tz, z);
        return z.Select(v => (double)v).ToArray();
    }

    private static double Objective(IComputeBackend backend, Tensor tx, Tensor tw, Tensor tz, float[] z, double[] w, int[] y, double l2)
    {
        backend.Upload(w.Select(v => (float)v).ToArray(), tw);
        backend.Gemm(tx, false, tw, false, tz);
        backend.Download(tz, z);
        double f = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double m = y[i] == 1 ? -z[i] : z[i];
            f += m > 0 ? m + double.LogP1(Math.Exp(-m)) : double.LogP1(Math.Exp(m)); // softplus without overflow
        }
        for (int j = 0; j < w.Length - 1; j++) f += 0.5 * l2 * w[j] * w[j];
        return f;
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>Solves A·x = b for symmetric positive definite A (row-major d × d).</summary>
    private static double[] CholeskySolve(double[] a, double[] b, int d)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * d + j];
                for (int k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
                l[i * d + j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / l[j * d + j];
            }
        var x = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * d + k] * x[k];
            x[i] = s / l[i * d + i];
        }
        for (int i = d - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
            x[i] = s / l[i * d + i];
        }
        return x;
    }
}

/// <summary>Tensors allocated for one computation, their storage freed together at the end.</summary>
internal sealed class TensorScope(IComputeBackend backend) : IDisposable
{
    private readonly List<Tensor> _tensors = [];

    public Tensor Allocate(int rows, int cols)
    {
        var t = backend.Allocate(rows, cols);
        _tensors.Add(t);
        return t;
    }

    public Tensor Upload(float[] data, int rows, int cols)
    {
        var t = Allocate(rows, cols);
        backend.Upload(data, t);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _tensors) t.Storage.Dispose();
        _tensors.Clear();
    }
}
