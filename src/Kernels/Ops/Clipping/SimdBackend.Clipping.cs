using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

// DP-SGD's per-example ops. They run once per layer per step over the whole batch, so they stream
// each activation/gradient row once and never materialise a per-example weight gradient.
public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.RowSquaredNorms(this, x, norms);
        Span<float> xs = Data(x), n = Data(norms);
        for (int i = 0; i < x.Rows; i++)
            n[i] = (accumulate ? n[i] : 0f) + TensorPrimitives.SumOfSquares(Row(xs, x.Cols, i));
    }

    /// <inheritdoc />
    public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.GroupedSumSquaredNorms(this, x, groupSize, norms);
        if (groupSize == 1)
        {
            RowSquaredNorms(x, norms, accumulate);
            return;
        }
        float* xp = HostStorage.PointerOf(x);
        Span<float> n = Data(norms);
        for (int e = 0; e < n.Length; e++)
            n[e] = (accumulate ? n[e] : 0f) + SquaredNormOfRowSum(xp + (long)e * groupSize * x.Cols, groupSize, x.Cols);
    }

    /// <summary>
    /// ‖Σ_{t&lt;G} row_t‖² in one pass: each column block of the G rows is summed in a register and
    /// squared there, so the summed row never needs a buffer.
    /// </summary>
    private static float SquaredNormOfRowSum(float* first, int groupSize, int cols)
    {
        int j = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; j <= cols - 16; j += 16)
            {
                var column = Vector512.Load(first + j);
                for (int t = 1; t < groupSize; t++) column += Vector512.Load(first + (long)t * cols + j);
                acc = Vector512.FusedMultiplyAdd(column, column, acc);
            }
            sum = Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; j <= cols - 8; j += 8)
            {
                var column = Vector256.Load(first + j);
                for (int t = 1; t < groupSize; t++) column += Vector256.Load(first + (long)t * cols + j);
                acc = Vector256.FusedMultiplyAdd(column, column, acc);
            }
            sum += Vector256.Sum(acc);
        }
        for (; j < cols; j++)
        {
            float column = 0f;
            for (int t = 0; t < groupSize; t++) column += first[(long)t * cols + j];
            sum += column * column;
        }
        return sum;
    }

    /// <inheritdoc />
    public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate = false)
    {
        OpPreconditions.LinearPerExampleSquaredNorms(this, a, delta, groupSize, norms);
        Span<float> av = Data(a), dv = Data(delta), n = Data(norms);
        int inCols = a.Cols, outCols = delta.Cols;
        for (int e = 0; e < n.Length; e++)
        {
            double sum;
            if (groupSize == 1)
            {
                // The gradient δ·aᵀ is rank one, so its Frobenius norm factorises: ‖a‖²·‖δ‖².
                double deltaSquares = TensorPrimitives.SumOfSquares(Row(dv, outCols, e));
                sum = TensorPrimitives.SumOfSquares(Row(av, inCols, e)) * deltaSquares;
                if (includeBias) sum += deltaSquares;
            }
            else
            {
                // Ghost norm over the G×G Gram matrices (symmetric, so each off-diagonal pair once, twice
                // weighted): O(G²·(in + out)) instead of O(G·in·out) for the materialised gradient.
                sum = 0;
                for (int t = 0; t < groupSize; t++)
                {
                    int r = e * groupSize + t;
                    for (int u = t; u < groupSize; u++)
                    {
                        int s = e * groupSize + u;
                        double deltaDot = TensorPrimitives.Dot(Row(dv, outCols, r), Row(dv, outCols, s));
                        double term = TensorPrimitives.Dot(Row(av, inCols, r), Row(av, inCols, s)) * deltaDot;
                        if (includeBias) term += deltaDot;
                        sum += u == t ? term : 2 * term;
                    }
                }
            }
            n[e] = (float)((accumulate ? n[e] : 0) + sum);
        }
    }

    /// <inheritdoc />
    public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors)
    {
        OpPreconditions.ClipFactors(this, squaredNorms, clipNorm, factors);
        Span<float> f = Data(factors);
        if (float.IsPositiveInfinity(clipNorm))
        {
            f.Fill(1f);
            return;
        }
        // C/‖g‖ is +∞ for a zero norm, which the min turns into 1 — no special case needed.
        TensorPrimitives.Sqrt(Data(squaredNorms), f);
        TensorPrimitives.Divide(clipNorm, f, f);
        TensorPrimitives.Min(f, 1f, f);
    }

    /// <inheritdoc />
    public void ScaleRows(Tensor x, Tensor factors, int groupSize = 1)
    {
        OpPreconditions.ScaleRows(this, x, factors, groupSize);
        Span<float> xs = Data(x), f = Data(factors);
        for (int r = 0; r < x.Rows; r++)
        {
            float factor = f[r / groupSize];
            if (factor == 1f) continue; // most examples are not clipped; ×1 is exact, so skip the pass
            TensorPrimitives.Multiply(Row(xs, x.Cols, r), factor, Row(xs, x.Cols, r));
        }
    }
}
