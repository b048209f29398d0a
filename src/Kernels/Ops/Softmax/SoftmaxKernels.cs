using ILGPU;
using ILGPU.Algorithms;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Softmax over column spans. One group per row; spans are a device array (starts, then lengths) and
/// the span loop is uniform across the group, so each span's max and sum are group reductions (which
/// the cross-entropy kernel in <see cref="LossKernels"/> reuses).
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary>y = softmax(x) (or log-softmax) within spans; other columns copied. y may alias x.</summary>
    public static void Forward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> spans, SpanRows shape)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int start = Grid.IdxX * shape.Cols;
        for (int j = Group.IdxX; j < shape.Cols; j += Group.DimX) y[start + j] = x[start + j];
        // The copy and the span writes below may hit one element from two threads.
        Group.Barrier();
        for (int s = 0; s < shape.SpanCount; s++)
        {
            int first = start + spans[s], length = spans[shape.SpanCount + s];
            float max = SpanMax(x, first, length, scratch);
            float sum = SpanSumExp(x, first, length, max, scratch), logSum = XMath.Log(sum);
            for (int k = Group.IdxX; k < length; k += Group.DimX)
            {
                float shifted = x[first + k] - max;
                y[first + k] = shape.Log != 0 ? shifted - logSum : XMath.Exp(shifted) / sum;
            }
        }
    }

    /// <summary>
    /// Within spans dx = y⊙(dy − Σ dy⊙y) (or dy − e^y·Σ dy for log-softmax); elsewhere dx = dy. dx may
    /// alias dy: every read of a span happens before the reduction's barrier, every write after it.
    /// </summary>
    public static void Backward(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<int> spans, SpanRows shape)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int start = Grid.IdxX * shape.Cols;
        for (int j = Group.IdxX; j < shape.Cols; j += Group.DimX) dx[start + j] = dy[start + j];
        Group.Barrier();
        for (int s = 0; s < shape.SpanCount; s++)
        {
            int first = start + spans[s], length = spans[shape.SpanCount + s];
            float partial = 0f;
            for (int k = Group.IdxX; k < length; k += Group.DimX)
                partial += shape.Log != 0 ? dx[first + k] : dx[first + k] * y[first + k];
            float sum = GroupReduce.Sum(partial, scratch);
            for (int k = Group.IdxX; k < length; k += Group.DimX)
            {
                int i = first + k;
                dx[i] = shape.Log != 0 ? dx[i] - XMath.Exp(y[i]) * sum : y[i] * (dx[i] - sum);
            }
        }
    }

    // The span's maximum, then Σ e^(x − max): with the shift kept separate, log-softmax is
    // (x − max) − log Σ, which avoids the cancellation of x − (max + log Σ) when x ≈ max.
    internal static float SpanMax(ArrayView<float> x, int first, int length, ArrayView<float> scratch)
    {
        float max = float.NegativeInfinity;
        for (int k = Group.IdxX; k < length; k += Group.DimX)
        {
            float v = x[first + k];
            max = v > max ? v : max;
        }
        return GroupReduce.Max(max, scratch);
    }

    internal static float SpanSumExp(ArrayView<float> x, int first, int length, float max, ArrayView<float> scratch)
    {
        float sum = 0f;
        for (int k = Group.IdxX; k < length; k += Group.DimX) sum += XMath.Exp(x[first + k] - max);
        return GroupReduce.Sum(sum, scratch);
    }
}

/// <summary>Row layout for the span kernels.</summary>
internal struct SpanRows
{
    public int Cols, SpanCount, Log, HasRowLoss;
}
