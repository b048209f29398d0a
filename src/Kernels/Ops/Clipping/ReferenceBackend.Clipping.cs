namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.RowSquaredNorms(this, x, norms);
        Span<float> xs = Data(x), n = Data(norms);
        for (int i = 0; i < x.Rows; i++)
        {
            double sum = 0;
            for (int j = 0; j < x.Cols; j++) sum += (double)xs[i * x.Cols + j] * xs[i * x.Cols + j];
            n[i] = (float)((accumulate ? n[i] : 0) + sum);
        }
    }

    /// <inheritdoc />
    public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.GroupedSumSquaredNorms(this, x, groupSize, norms);
        Span<float> xs = Data(x), n = Data(norms);
        for (int e = 0; e < x.Rows / groupSize; e++)
        {
            double sum = 0;
            for (int j = 0; j < x.Cols; j++)
            {
                double column = 0;
                for (int t = 0; t < groupSize; t++) column += xs[(e * groupSize + t) * x.Cols + j];
                sum += column * column;
            }
            n[e] = (float)((accumulate ? n[e] : 0) + sum);
        }
    }

    /// <inheritdoc />
    public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.LinearPerExampleSquaredNorms(this, a, delta, groupSize, norms);
        Span<float> n = Data(norms);
        for (int e = 0; e < a.Rows / groupSize; e++)
        {
            // ‖Σ_t δ_t a_tᵀ‖²_F = Σ_{t,t'} (a_t·a_t')(δ_t·δ_t'); the bias gradient Σ_t δ_t adds Σ_{t,t'} δ_t·δ_t'.
            double sum = 0;
            for (int t = 0; t < groupSize; t++)
            {
                for (int u = 0; u < groupSize; u++)
                {
                    int r = e * groupSize + t, s = e * groupSize + u;
                    double deltaDot = RowDot(delta, r, s);
                    sum += RowDot(a, r, s) * deltaDot;
                    if (includeBias) sum += deltaDot;
                }
            }
            n[e] = (float)((accumulate ? n[e] : 0) + sum);
        }
    }

    /// <inheritdoc />
    public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors)
    {
        OpPreconditions.ClipFactors(this, squaredNorms, clipNorm, factors);
        Span<float> n = Data(squaredNorms), f = Data(factors);
        for (int i = 0; i < n.Length; i++)
        {
            double norm = Math.Sqrt(n[i]);
            f[i] = float.IsPositiveInfinity(clipNorm) || norm == 0 ? 1f : (float)Math.Min(1.0, clipNorm / norm);
        }
    }

    /// <inheritdoc />
    public void ScaleRows(Tensor x, Tensor factors, int groupSize = 1)
    {
        OpPreconditions.ScaleRows(this, x, factors, groupSize);
        Span<float> xs = Data(x), f = Data(factors);
        for (int r = 0; r < x.Rows; r++)
            for (int j = 0; j < x.Cols; j++)
                xs[r * x.Cols + j] *= f[r / groupSize];
    }

    private static double RowDot(Tensor t, int r, int s)
    {
        Span<float> d = Data(t);
        double sum = 0;
        for (int j = 0; j < t.Cols; j++) sum += (double)d[r * t.Cols + j] * d[s * t.Cols + j];
        return sum;
    }
}
