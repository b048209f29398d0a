namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    private static Span<float> Data(Tensor t) => HostStorage.SpanOf(t);

    /// <inheritdoc />
    public void AddBias(Tensor x, Tensor bias)
    {
        OpPreconditions.AddBias(this, x, bias);
        Span<float> xs = Data(x), b = Data(bias);
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < x.Cols; j++)
                xs[i * x.Cols + j] += b[j];
    }

    /// <inheritdoc />
    public void BiasGradient(Tensor dy, Tensor dbias, float beta = 0f)
    {
        OpPreconditions.BiasGradient(this, dy, dbias);
        Span<float> d = Data(dy), db = Data(dbias);
        for (int j = 0; j < dy.Cols; j++)
        {
            // β = 0 overwrites, so stale NaNs in dbias do not leak through 0·NaN.
            double sum = beta == 0f ? 0 : (double)beta * db[j];
            for (int i = 0; i < dy.Rows; i++) sum += d[i * dy.Cols + j];
            db[j] = (float)sum;
        }
    }

    /// <inheritdoc />
    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        OpPreconditions.Axpy(this, x, y);
        Span<float> xs = Data(x), ys = Data(y);
        for (int i = 0; i < xs.Length; i++) ys[i] = (float)(ys[i] + (double)alpha * xs[i]);
    }

    /// <inheritdoc />
    public void Scale(Tensor x, float alpha)
    {
        ShapeCheck.Owned(this, nameof(Scale), x);
        Span<float> xs = Data(x);
        for (int i = 0; i < xs.Length; i++) xs[i] *= alpha;
    }

    /// <inheritdoc />
    public void Multiply(Tensor x, Tensor y, Tensor z)
    {
        OpPreconditions.Multiply(this, x, y, z);
        Span<float> xs = Data(x), ys = Data(y), zs = Data(z);
        for (int i = 0; i < xs.Length; i++) zs[i] = xs[i] * ys[i];
    }

    /// <inheritdoc />
    public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count)
    {
        OpPreconditions.CopyColumns(this, src, srcColumn, dst, dstColumn, count);
        Span<float> s = Data(src), d = Data(dst);
        for (int i = 0; i < src.Rows; i++)
            for (int j = 0; j < count; j++)
                d[i * dst.Cols + dstColumn + j] = s[i * src.Cols + srcColumn + j];
    }
}
