namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.Softmax(this, x, y, spans);
        Span<float> xs = Data(x), ys = Data(y);
        for (int i = 0; i < x.Rows; i++)
        {
            Span<float> xr = xs.Slice(i * x.Cols, x.Cols), yr = ys.Slice(i * x.Cols, x.Cols);
            xr.CopyTo(yr); // columns outside spans pass through; spans are then rewritten in place
            for (int s = 0; s < spans.Count; s++)
            {
                Span<float> v = yr.Slice(spans.Starts[s], spans.Lengths[s]);
                double logSumExp = LogSumExp(v);
                for (int j = 0; j < v.Length; j++)
                    v[j] = (float)(log ? v[j] - logSumExp : Math.Exp(v[j] - logSumExp));
            }
        }
    }

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.SoftmaxBackward(this, y, dy, dx, spans);
        Span<float> ys = Data(y), dys = Data(dy), dxs = Data(dx);
        for (int i = 0; i < y.Rows; i++)
        {
            Span<float> yr = ys.Slice(i * y.Cols, y.Cols), dyr = dys.Slice(i * y.Cols, y.Cols), dxr = dxs.Slice(i * y.Cols, y.Cols);
            dyr.CopyTo(dxr);
            for (int s = 0; s < spans.Count; s++)
            {
                int start = spans.Starts[s], end = start + spans.Lengths[s];
                double sum = 0;
                for (int j = start; j < end; j++) sum += log ? dxr[j] : (double)dxr[j] * yr[j];
                for (int j = start; j < end; j++)
                    dxr[j] = (float)(log ? dxr[j] - Math.Exp(yr[j]) * sum : yr[j] * (dxr[j] - sum));
            }
        }
    }

    /// <summary>log Σ_j e^{v_j}, shifted by the maximum so that no exponent overflows.</summary>
    private static double LogSumExp(ReadOnlySpan<float> v)
    {
        double max = double.NegativeInfinity;
        foreach (float value in v) max = Math.Max(max, value);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (float value in v) sum += Math.Exp(value - max);
        return max + Math.Log(sum);
    }
}
