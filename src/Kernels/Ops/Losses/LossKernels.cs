using ILGPU;
using ILGPU.Algorithms;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// MSE and span cross-entropy: one group per row. Per-row losses go to a scratch vector that
/// <see cref="SumDivided"/> reduces in a fixed order, so the returned loss is deterministic (no float atomics).
/// </summary>
internal static class LossKernels
{
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
            float max = SoftmaxKernels.SpanMax(x, first, length, scratch);
            float sum = SoftmaxKernels.SpanSumExp(x, first, length, max, scratch), logSum = XMath.Log(sum);
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
}

/// <summary>Arguments of <see cref="LossKernels.MeanSquaredError"/>.</summary>
internal struct MseShape
{
    public int Cols, HasRowLoss, HasWeights;
    public float GradScale;
}
