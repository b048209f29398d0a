using System.Numerics.Tensors;

namespace DpSynth.Kernels.Simd;

public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.Softmax(this, x, y, spans);
        // Copy first (columns outside spans pass through), then work on y in place: one code path
        // whether or not y aliases x.
        if (HostStorage.PointerOf(x) != HostStorage.PointerOf(y)) Data(x).CopyTo(Data(y));
        float* yp = HostStorage.PointerOf(y);
        ReadOnlySpan<int> starts = spans.Starts, lengths = spans.Lengths;
        for (int i = 0; i < y.Rows; i++)
        {
            float* row = yp + (long)i * y.Cols;
            for (int s = 0; s < starts.Length; s++)
            {
                float* v = row + starts[s];
                int n = lengths[s];
                float max = SpanKernels.Max(v, n);
                if (log)
                {
                    // (x − max) − log Σ, not x − (max + log Σ): the latter rounds to the ulp of the max.
                    float logSum = MathF.Log(SpanKernels.ExpSum(v, n, max, store: false));
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(v, n), max, new Span<float>(v, n));
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(v, n), logSum, new Span<float>(v, n));
                }
                else
                {
                    float sum = SpanKernels.ExpSum(v, n, max, store: true);
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(v, n), 1f / sum, new Span<float>(v, n));
                }
            }
        }
    }

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false)
    {
        OpPreconditions.SoftmaxBackward(this, y, dy, dx, spans);
        if (HostStorage.PointerOf(dy) != HostStorage.PointerOf(dx)) Data(dy).CopyTo(Data(dx));
        float* yp = HostStorage.PointerOf(y), dxp = HostStorage.PointerOf(dx);
        ReadOnlySpan<int> starts = spans.Starts, lengths = spans.Lengths;
        for (int i = 0; i < y.Rows; i++)
        {
            long rowStart = (long)i * y.Cols;
            for (int s = 0; s < starts.Length; s++)
            {
                float* yv = yp + rowStart + starts[s], dv = dxp + rowStart + starts[s];
                int n = lengths[s];
                var ySpan = new ReadOnlySpan<float>(yv, n);
                var dSpan = new Span<float>(dv, n);
                if (log)
                {
                    // dx = dy − e^y·Σdy (y is a log-probability, so e^y is the probability)
                    SpanKernels.AddExpDifference(yv, null, dv, n, 0f, 1f, -TensorPrimitives.Sum(dSpan));
                }
                else
                {
                    // dx = (dy − Σ dy⊙y) ⊙ y
                    float dot = TensorPrimitives.Dot(dSpan, ySpan);
                    TensorPrimitives.AddMultiply(dSpan, -dot, ySpan, dSpan);
                }
            }
        }
    }
}
