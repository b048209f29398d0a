using System.Numerics.Tensors;

namespace DpSynth.Kernels.Simd;

// Streaming ops: TensorPrimitives already runs these at memory bandwidth with aligned, unrolled
// Vector512 loops, so they delegate to it row by row.
public sealed partial class SimdBackend
{
    private static Span<float> Data(Tensor t) => HostStorage.SpanOf(t);

    private static Span<float> Row(Span<float> data, int cols, int row) => data.Slice(row * cols, cols);

    /// <inheritdoc />
    public void AddBias(Tensor x, Tensor bias)
    {
        OpPreconditions.AddBias(this, x, bias);
        Span<float> xs = Data(x), b = Data(bias);
        for (int i = 0; i < x.Rows; i++) TensorPrimitives.Add(Row(xs, x.Cols, i), b, Row(xs, x.Cols, i));
    }

    /// <inheritdoc />
    public void BiasGradient(Tensor dy, Tensor dbias, float beta = 0f)
    {
        OpPreconditions.BiasGradient(this, dy, dbias);
        Span<float> d = Data(dy), db = Data(dbias);
        // β = 0 overwrites, so stale NaNs in dbias do not leak through 0·NaN. Summing row by row keeps
        // dbias in L1 and streams dy once.
        if (beta == 0f) db.Clear();
        else if (beta != 1f) TensorPrimitives.Multiply(db, beta, db);
        for (int i = 0; i < dy.Rows; i++) TensorPrimitives.Add(db, Row(d, dy.Cols, i), db);
    }

    /// <inheritdoc />
    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        OpPreconditions.Axpy(this, x, y);
        TensorPrimitives.MultiplyAdd(Data(x), alpha, Data(y), Data(y));
    }

    /// <inheritdoc />
    public void Scale(Tensor x, float alpha)
    {
        ShapeCheck.Owned(this, nameof(Scale), x);
        TensorPrimitives.Multiply(Data(x), alpha, Data(x));
    }

    /// <inheritdoc />
    public void Multiply(Tensor x, Tensor y, Tensor z)
    {
        OpPreconditions.Multiply(this, x, y, z);
        TensorPrimitives.Multiply(Data(x), Data(y), Data(z));
    }

    /// <inheritdoc />
    public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count)
    {
        OpPreconditions.CopyColumns(this, src, srcColumn, dst, dstColumn, count);
        Span<float> s = Data(src), d = Data(dst);
        for (int i = 0; i < src.Rows; i++)
            s.Slice(i * src.Cols + srcColumn, count).CopyTo(d.Slice(i * dst.Cols + dstColumn, count));
    }
}
