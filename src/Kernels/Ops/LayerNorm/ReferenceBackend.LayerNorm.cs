namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps = 1e-5f)
    {
        OpPreconditions.LayerNormForward(this, x, gamma, beta, y, mean, rstd);
        Span<float> xs = Data(x), g = Data(gamma), b = Data(beta), ys = Data(y), mu = Data(mean), rs = Data(rstd);
        int cols = x.Cols;
        for (int i = 0; i < x.Rows; i++)
        {
            ReadOnlySpan<float> row = xs.Slice(i * cols, cols);
            double sum = 0;
            foreach (float v in row) sum += v;
            double m = sum / cols;
            double squares = 0;
            foreach (float v in row) squares += (v - m) * (v - m);
            double r = 1 / Math.Sqrt(squares / cols + eps);
            for (int j = 0; j < cols; j++)
                ys[i * cols + j] = (float)((row[j] - m) * r * g[j] + b[j]);
            mu[i] = (float)m;
            rs[i] = (float)r;
        }
    }

    /// <inheritdoc />
    public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate = 0f)
    {
        OpPreconditions.LayerNormBackward(this, dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
        Span<float> d = Data(dy), xs = Data(x), g = Data(gamma), mu = Data(mean), rs = Data(rstd);
        Span<float> dxs = Data(dx), dg = Data(dgamma), db = Data(dbeta);
        int cols = x.Cols;
        for (int j = 0; j < cols; j++)
        {
            // accumulate = 0 overwrites, so stale NaNs do not leak through 0·NaN.
            double sumG = accumulate == 0f ? 0 : (double)accumulate * dg[j];
            double sumB = accumulate == 0f ? 0 : (double)accumulate * db[j];
            for (int i = 0; i < x.Rows; i++)
            {
                double xHat = (xs[i * cols + j] - (double)mu[i]) * rs[i];
                sumG += d[i * cols + j] * xHat;
                sumB += d[i * cols + j];
            }
            dg[j] = (float)sumG;
            db[j] = (float)sumB;
        }
        for (int i = 0; i < x.Rows; i++)
        {
            // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = dy⊙γ: the chain rule through x̂, μ and rstd.
            double meanG = 0, meanGX = 0;
            for (int j = 0; j < cols; j++)
            {
                int k = i * cols + j;
                double xHat = (xs[k] - (double)mu[i]) * rs[i];
                double gHat = (double)d[k] * g[j];
                meanG += gHat;
                meanGX += gHat * xHat;
            }
            meanG /= cols;
            meanGX /= cols;
            for (int j = 0; j < cols; j++)
            {
                int k = i * cols + j;
                double xHat = (xs[k] - (double)mu[i]) * rs[i];
                dxs[k] = (float)(rs[i] * ((double)d[k] * g[j] - meanG - xHat * meanGX));
            }
        }
    }
}
