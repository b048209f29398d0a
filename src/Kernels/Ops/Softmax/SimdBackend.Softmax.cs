namespace DpSynth.Kernels.Simd;

public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.Softmax(this, x, y, spans);
        // Copy first (columns outside spans pass through), then each span reads x and writes y, so no
        // load waits on the previous span's masked store (unless y aliases x, which is allowed).
        float* xp = HostStorage.PointerOf(x), yp = HostStorage.PointerOf(y);
        if (xp != yp) Data(x).CopyTo(Data(y));
        ReadOnlySpan<int> starts = spans.Starts, lengths = spans.Lengths;
        for (int i = 0; i < y.Rows; i++)
        {
            long row = (long)i * y.Cols;
            for (int s = 0; s < starts.Length; s++)
            {
                float* xs = xp + row + starts[s], ys = yp + row + starts[s];
                int n = lengths[s];
                float max = SpanKernels.Max(xs, n);
                float sum = SpanKernels.ExpSum(xs, n, max, store: false);
                // (x − max) − log Σ, not x − (max + log Σ): the latter rounds to the ulp of the max.
                if (log) SpanKernels.Shift(xs, ys, n, max, MathF.Log(sum));
                else SpanKernels.ScaledExp(xs, ys, n, max, 1f / sum);
            }
        }
    }

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.SoftmaxBackward(this, y, dy, dx, spans);
        float* yp = HostStorage.PointerOf(y), dyp = HostStorage.PointerOf(dy), dxp = HostStorage.PointerOf(dx);
        if (dyp != dxp) Data(dy).CopyTo(Data(dx));
        ReadOnlySpan<int> starts = spans.Starts, lengths = spans.Lengths;
        for (int i = 0; i < y.Rows; i++)
        {
            long rowStart = (long)i * y.Cols;
            for (int s = 0; s < starts.Length; s++)
            {
                float* yv = yp + rowStart + starts[s], dyv = dyp + rowStart + starts[s], dxv = dxp + rowStart + starts[s];
                int n = lengths[s];
                // log: dx = dy − e^y·Σdy (y is a log-probability, so e^y is the probability);
                // otherwise dx = (dy − Σ dy⊙y) ⊙ y. Both read dy and write dx (see SpanKernels).
                if (log) SpanKernels.AddExpDifference(yv, null, dyv, dxv, n, 0f, 1f, -SpanKernels.Sum(dyv, n));
                else SpanKernels.MultiplyShifted(dyv, yv, dxv, n, SpanKernels.Dot(dyv, yv, n));
            }
        }
    }
}
