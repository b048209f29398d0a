using ILGPU;
using ILGPU.Algorithms;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Softmax over column spans and the losses built on it. One group per row; spans are a device array
/// (starts, then lengths) and the span loop is uniform across the group, so each span's max and sum are
/// group reductions. Per-row losses go to a scratch vector that <see cref="SumDivided"/> reduces in a
/// fixed order, so the returned loss is deterministic (no float atomics).
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

    /// <summary>
    /// Cross-entropy over spans: perRow[r] = −Σ t·log softmax(x); rowLoss[r] += it when present;
    /// dx += gradScale·(softmax(x) − t) in span columns.
    /// </summary>
    public static void CrossEntropy(ArrayView<float> x, ArrayView<float> target, ArrayView<float> dx, ArrayView<float> rowLoss,
        ArrayView<float> perRow, ArrayView<int> spans, SpanRows shape, float gradScale)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int start = Grid.IdxX * shape.Cols;
        float loss = 0f;
        for (int s = 0; s < shape.SpanCount; s++)
        {
            int first = start + spans[s], length = spans[shape.SpanCount + s];
            float max = SpanMax(x, first, length, scratch);
            float sum = SpanSumExp(x, first, length, max, scratch), logSum = XMath.Log(sum);
            for (int k = Group.IdxX; k < length; k += Group.DimX)
            {
                int i = first + k;
                float shifted = x[i] - max, t = target[i];
                loss -= t * (shifted - logSum);
                dx[i] += gradScale * (XMath.Exp(shifted) / sum - t);
            }
        }
        float total = GroupReduce.Sum(loss, scratch);
        if (Group.IdxX == 0)
        {
            perRow[Grid.IdxX] = total;
            if (shape.HasRowLoss != 0) rowLoss[Grid.IdxX] += total;
        }
    }

    /// <summary>
    /// MSE per row: perRow[r] = Σ w(p − t)²/cols (also written to rowLoss when present) and
    /// dp = gradScale·2w(p − t)/cols.
    /// </summary>
    public static void MeanSquaredError(ArrayView<float> p, ArrayView<float> target, ArrayView<float> dp, ArrayView<float> rowLoss,
        ArrayView<float> weights, ArrayView<float> perRow, MseShape shape)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int start = Grid.IdxX * shape.Cols;
        float sum = 0f;
        for (int j = Group.IdxX; j < shape.Cols; j += Group.DimX)
        {
            float w = shape.HasWeights != 0 ? weights[j] : 1f;
            float d = p[start + j] - target[start + j];
            sum += w * d * d;
            dp[start + j] = shape.GradScale * 2f * w * d / shape.Cols;
        }
        float total = GroupReduce.Sum(sum, scratch) / shape.Cols;
        if (Group.IdxX == 0)
        {
            perRow[Grid.IdxX] = total;
            if (shape.HasRowLoss != 0) rowLoss[Grid.IdxX] = total;
        }
    }

    /// <summary>result[slot] = (Σ values[0..n)) / divisor, in one group and a fixed order.</summary>
    public static void SumDivided(ArrayView<float> values, ArrayView<float> result, int n, float divisor, int slot)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        float sum = 0f;
        for (int i = Group.IdxX; i < n; i += Group.DimX) sum += values[i];
        float total = GroupReduce.Sum(sum, scratch);
        if (Group.IdxX == 0) result[slot] = total / divisor;
    }

    // The span's maximum, then Σ e^(x − max): with the shift kept separate, log-softmax is
    // (x − max) − log Σ, which avoids the cancellation of x − (max + log Σ) when x ≈ max.
    private static float SpanMax(ArrayView<float> x, int first, int length, ArrayView<float> scratch)
    {
        float max = float.NegativeInfinity;
        for (int k = Group.IdxX; k < length; k += Group.DimX)
        {
            float v = x[first + k];
            max = v > max ? v : max;
        }
        return GroupReduce.Max(max, scratch);
    }

    private static float SpanSumExp(ArrayView<float> x, int first, int length, float max, ArrayView<float> scratch)
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

/// <summary>Arguments of <see cref="SoftmaxKernels.MeanSquaredError"/>.</summary>
internal struct MseShape
{
    public int Cols, HasRowLoss, HasWeights;
    public float GradScale;
}
