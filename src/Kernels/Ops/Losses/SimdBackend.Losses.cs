using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss = null, Tensor? columnWeights = null, float gradScale = 1f)
    {
        OpPreconditions.MseLoss(this, prediction, target, dPrediction, rowLoss, columnWeights);
        float* p = HostStorage.PointerOf(prediction), t = HostStorage.PointerOf(target), dp = HostStorage.PointerOf(dPrediction);
        float* w = columnWeights is null ? null : HostStorage.PointerOf(columnWeights);
        float* rl = rowLoss is null ? null : HostStorage.PointerOf(rowLoss);
        int rows = prediction.Rows, cols = prediction.Cols;
        float gradFactor = gradScale * 2f / cols;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            long o = (long)i * cols;
            float row = MseRow(p + o, t + o, w, dp + o, cols, gradFactor) / cols;
            if (rl != null) rl[i] = row;
            total += row;
        }
        return rows == 0 ? 0f : (float)(total / rows);
    }

    /// <summary>One fused pass: dp = k·w·(p − t) and returns Σ w·(p − t)² (w = 1 when null).</summary>
    private static float MseRow(float* p, float* t, float* w, float* dp, int n, float k)
    {
        int j = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            var kv = Vector512.Create(k);
            for (; j <= n - 16; j += 16)
            {
                var d = Vector512.Load(p + j) - Vector512.Load(t + j);
                var wd = w == null ? d : Vector512.Load(w + j) * d;
                acc = Vector512.FusedMultiplyAdd(wd, d, acc);
                Vector512.Store(kv * wd, dp + j);
            }
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            var kv = Vector256.Create(k);
            for (; j <= n - 8; j += 8)
            {
                var d = Vector256.Load(p + j) - Vector256.Load(t + j);
                var wd = w == null ? d : Vector256.Load(w + j) * d;
                acc = Vector256.FusedMultiplyAdd(wd, d, acc);
                Vector256.Store(kv * wd, dp + j);
            }
            sum += Vector256.Sum(acc);
        }
        for (; j < n; j++)
        {
            float d = p[j] - t[j];
            float wd = w == null ? d : w[j] * d;
            sum += wd * d;
            dp[j] = k * wd;
        }
        return sum;
    }

    /// <inheritdoc />
    public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss = null, float gradScale = 1f)
    {
        OpPreconditions.CrossEntropyLoss(this, logits, target, spans, dLogits, rowLoss);
        float* x = HostStorage.PointerOf(logits), t = HostStorage.PointerOf(target), d = HostStorage.PointerOf(dLogits);
        float* rl = rowLoss is null ? null : HostStorage.PointerOf(rowLoss);
        ReadOnlySpan<int> starts = spans.Starts, lengths = spans.Lengths;
        int rows = logits.Rows, cols = logits.Cols;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            float row = 0f;
            for (int s = 0; s < starts.Length; s++)
            {
                long o = (long)i * cols + starts[s];
                int n = lengths[s];
                float max = SpanKernels.Max(x + o, n);
                float sum = SpanKernels.ExpSum(x + o, n, max, store: false);
                // −Σ t·log p = Σt·log Σ − Σ t·(x − max): shifting by the max before multiplying keeps
                // large logits from cancelling.
                float targetMass = SpanKernels.Sum(t + o, n);
                row += targetMass * MathF.Log(sum) - SpanKernels.ShiftedDot(t + o, x + o, n, max);
                SpanKernels.AddExpDifference(x + o, t + o, d + o, d + o, n, max, 1f / sum, gradScale);
            }
            if (rl != null) rl[i] += row;
            total += row;
        }
        return rows == 0 ? 0f : (float)(total / rows);
    }
}
