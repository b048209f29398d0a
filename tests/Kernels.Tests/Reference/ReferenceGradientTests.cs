namespace DpSynth.Kernels.Tests.Reference;

/// <summary>
/// The reference backward ops against central finite differences of independent double-precision
/// forward implementations written here (not the backend's own forward), llm.c style.
/// </summary>
public sealed class ReferenceGradientTests : ReferenceFixture
{
    private const double Rtol = 1e-4, Atol = 1e-5;

    [Fact]
    public void Activation_backward_matches_finite_differences()
    {
        // Points away from ReLU's kink at 0, plus saturated ones.
        double[] points = [-4, -1.3, -0.7, -0.2, 0.05, 0.3, 0.9, 2.2, 5];
        foreach (var f in Enum.GetValues<Activation>())
        {
            var x = Make(1, points.Length, points.Select(p => (float)p).ToArray());
            var y = Ref.Allocate(1, points.Length);
            var dy = Make(1, points.Length, Enumerable.Repeat(1f, points.Length).ToArray());
            var dx = Ref.Allocate(1, points.Length);
            Ref.ActivationForward(f, x, y, 0.1f);
            Ref.ActivationBackward(f, x, y, dy, dx, 0.1f);
            var analytic = Host(dx);
            var xs = Host(x).Select(v => (double)v).ToArray();
            for (int k = 0; k < xs.Length; k++)
            {
                double numeric = NumericDerivative(v => Forward(f, v[k], 0.1), xs, k);
                Near(numeric, analytic[k], Rtol, Atol, $"{f}'({xs[k]})");
            }
        }
    }

    [Fact]
    public void Softmax_and_log_softmax_backward_match_finite_differences()
    {
        const int rows = 3, cols = 11;
        var spans = new ColumnSpans([(1, 4), (5, 1), (7, 3)]);
        foreach (bool log in new[] { false, true })
        {
            var xs = Random(rows * cols, 1, -2f, 2f);
            var w = Random(rows * cols, 2); // L = Σ w⊙y, so dL/dy = w
            var x = Make(rows, cols, xs);
            var y = Ref.Allocate(rows, cols);
            var dx = Ref.Allocate(rows, cols);
            Ref.Softmax(x, y, spans, log);
            Ref.SoftmaxBackward(y, Make(rows, cols, w), dx, spans, log);
            var analytic = Host(dx);
            var xd = xs.Select(v => (double)v).ToArray();
            double Loss(double[] v)
            {
                var yd = SoftmaxSpans(v, rows, cols, spans, log);
                return yd.Select((e, i) => e * w[i]).Sum();
            }
            for (int k = 0; k < xd.Length; k++)
                Near(NumericDerivative(Loss, xd, k), analytic[k], Rtol, Atol, $"{(log ? "log-softmax" : "softmax")} dx[{k}]");
        }
    }

    [Fact]
    public void Mse_gradient_matches_finite_differences_of_the_row_loss()
    {
        const int rows = 3, cols = 7;
        var p = Random(rows * cols, 3);
        var t = Random(rows * cols, 4);
        var w = Random(cols, 5, 0f, 2f);
        var dp = Ref.Allocate(rows, cols);
        var rowLoss = Ref.Allocate(rows, 1);
        float mean = Ref.MseLoss(Make(rows, cols, p), Make(rows, cols, t), dp, rowLoss, Make(1, cols, w), gradScale: 1f);
        var analytic = Host(dp);
        var pd = p.Select(v => (double)v).ToArray();
        double RowLoss(double[] v, int i) => Enumerable.Range(0, cols).Sum(j => w[j] * Math.Pow(v[i * cols + j] - t[i * cols + j], 2)) / cols;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            Near(RowLoss(pd, i), Host(rowLoss)[i], 1e-6, 1e-7, $"MSE row loss {i}");
            total += RowLoss(pd, i);
            for (int j = 0; j < cols; j++)
            {
                int row = i;
                Near(NumericDerivative(v => RowLoss(v, row), pd, i * cols + j), analytic[i * cols + j], Rtol, Atol, $"MSE dp[{i},{j}]");
            }
        }
        Near(total / rows, mean, 1e-6, 1e-7, "MSE mean loss");
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences_of_the_row_loss()
    {
        const int rows = 3, cols = 10;
        var spans = new ColumnSpans([(0, 3), (4, 6)]);
        var x = Random(rows * cols, 6, -3f, 3f);
        var t = new float[rows * cols];
        var rng = new System.Random(7);
        for (int i = 0; i < rows; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                // probability vectors (the gradient softmax − t assumes Σ_span t = 1)
                var raw = Enumerable.Range(0, spans.Lengths[s]).Select(_ => rng.NextDouble()).ToArray();
                for (int j = 0; j < raw.Length; j++) t[i * cols + spans.Starts[s] + j] = (float)(raw[j] / raw.Sum());
            }
        var dx = Ref.Allocate(rows, cols);
        var rowLoss = Ref.Allocate(rows, 1);
        Ref.CrossEntropyLoss(Make(rows, cols, x), Make(rows, cols, t), spans, dx, rowLoss);
        var analytic = Host(dx);
        var xd = x.Select(v => (double)v).ToArray();
        double RowLoss(double[] v, int i)
        {
            var logP = SoftmaxSpans(v, rows, cols, spans, log: true);
            double loss = 0;
            for (int s = 0; s < spans.Count; s++)
                for (int j = spans.Starts[s]; j < spans.Starts[s] + spans.Lengths[s]; j++)
                    loss -= t[i * cols + j] * logP[i * cols + j];
            return loss;
        }
        for (int i = 0; i < rows; i++)
        {
            Near(RowLoss(xd, i), Host(rowLoss)[i], 1e-5, 1e-6, $"cross-entropy row loss {i}");
            for (int j = 0; j < cols; j++)
            {
                int row = i;
                Near(NumericDerivative(v => RowLoss(v, row), xd, i * cols + j), analytic[i * cols + j], Rtol, Atol, $"cross-entropy dx[{i},{j}]");
            }
        }
    }

    [Fact]
    public void LayerNorm_backward_matches_finite_differences()
    {
        const int rows = 3, cols = 7;
        const double eps = 1e-5;
        var x = Random(rows * cols, 8, -2f, 2f);
        var gamma = Random(cols, 9, 0.5f, 1.5f);
        var beta = Random(cols, 10);
        var w = Random(rows * cols, 11); // L = Σ w⊙y
        var (xt, gt, bt) = (Make(rows, cols, x), Make(1, cols, gamma), Make(1, cols, beta));
        var (y, mean, rstd) = (Ref.Allocate(rows, cols), Ref.Allocate(rows, 1), Ref.Allocate(rows, 1));
        Ref.LayerNormForward(xt, gt, bt, y, mean, rstd, (float)eps);
        var (dx, dg, db) = (Ref.Allocate(rows, cols), Ref.Allocate(1, cols), Ref.Allocate(1, cols));
        Ref.LayerNormBackward(Make(rows, cols, w), xt, gt, mean, rstd, dx, dg, db);

        // Parameters packed as [x | γ | β] so one finite-difference loop covers all three gradients.
        var packed = x.Concat(gamma).Concat(beta).Select(v => (double)v).ToArray();
        double Loss(double[] v)
        {
            double loss = 0;
            for (int i = 0; i < rows; i++)
            {
                var row = v.Skip(i * cols).Take(cols).ToArray();
                double mu = row.Average(), variance = row.Select(e => (e - mu) * (e - mu)).Average();
                for (int j = 0; j < cols; j++)
                    loss += w[i * cols + j] * ((row[j] - mu) / Math.Sqrt(variance + eps) * v[rows * cols + j] + v[rows * cols + cols + j]);
            }
            return loss;
        }
        var analytic = Host(dx).Concat(Host(dg)).Concat(Host(db)).ToArray();
        for (int k = 0; k < packed.Length; k++)
        {
            string what = k < rows * cols ? $"dx[{k}]" : k < rows * cols + cols ? $"dgamma[{k - rows * cols}]" : $"dbeta[{k - rows * cols - cols}]";
            Near(NumericDerivative(Loss, packed, k), analytic[k], Rtol, Atol, $"LayerNorm {what}");
        }
    }

    /// <summary>An independent activation forward in double, from the formulas in the docs.</summary>
    private static double Forward(Activation f, double x, double slope) => f switch
    {
        Activation.ReLU => Math.Max(0, x),
        Activation.LeakyReLU => x > 0 ? x : slope * x,
        Activation.SiLU => x / (1 + Math.Exp(-x)),
        Activation.Gelu => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        _ => x,
    };

    /// <summary>An independent softmax / log-softmax over spans in double (columns outside spans copied).</summary>
    private static double[] SoftmaxSpans(double[] x, int rows, int cols, ColumnSpans spans, bool log)
    {
        var y = (double[])x.Clone();
        for (int i = 0; i < rows; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                int start = i * cols + spans.Starts[s], end = start + spans.Lengths[s];
                double max = x[start..end].Max();
                double lse = max + Math.Log(x[start..end].Sum(v => Math.Exp(v - max)));
                for (int j = start; j < end; j++) y[j] = log ? x[j] - lse : Math.Exp(x[j] - lse);
            }
        return y;
    }
}
