using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// LayerNorm over feature rows: one group per row for the statistics and dx (two-pass mean then
/// variance, which stays accurate when |μ| ≫ σ), and a column reduction for dγ and dβ.
/// </summary>
internal static class LayerNormKernels
{
    /// <summary>y = (x − μ)·rstd·γ + β per row; saves μ and rstd.</summary>
    public static void Forward(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
        ArrayView<float> mean, ArrayView<float> rstd, int cols, float eps)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int row = Grid.IdxX, start = row * cols;
        float sum = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX) sum += x[start + j];
        float mu = GroupReduce.Sum(sum, scratch) / cols;
        float squares = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float d = x[start + j] - mu;
            squares += d * d;
        }
        float r = 1f / MathF.Sqrt(GroupReduce.Sum(squares, scratch) / cols + eps);
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
            y[start + j] = (x[start + j] - mu) * r * gamma[j] + beta[j];
        if (Group.IdxX == 0)
        {
            mean[row] = mu;
            rstd[row] = r;
        }
    }

    /// <summary>dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = dy⊙γ, per row.</summary>
    public static void BackwardInput(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> mean,
        ArrayView<float> rstd, ArrayView<float> dx, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(2 * GroupReduce.MaxWarps);
        int row = Grid.IdxX, start = row * cols;
        float mu = mean[row], r = rstd[row];
        float sumG = 0f, sumGX = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float g = dy[start + j] * gamma[j];
            sumG += g;
            sumGX += g * (x[start + j] - mu) * r;
        }
        var sums = GroupReduce.Sum2(sumG, sumGX, scratch);
        float meanG = sums.First / cols, meanGX = sums.Second / cols;
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float xHat = (x[start + j] - mu) * r;
            dx[start + j] = r * (dy[start + j] * gamma[j] - meanG - xHat * meanGX);
        }
    }

    /// <summary>
    /// dγ = a·dγ + Σ_r dy⊙x̂ and dβ = a·dβ + Σ_r dy (a = 0 overwrites, so stale NaNs do not leak);
    /// laid out like <see cref="ElementwiseKernels.ColumnSums"/>.
    /// </summary>
    public static void BackwardParameters(ArrayView<float> dy, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> rstd,
        ArrayView<float> dgamma, ArrayView<float> dbeta, int rows, int cols, float accumulate)
    {
        var partialG = SharedMemory.Allocate<float>(KernelShape.MaxGroupSize);
        var partialB = SharedMemory.Allocate<float>(KernelShape.MaxGroupSize);
        int lane = Group.IdxX % KernelShape.ColumnTile, slice = Group.IdxX / KernelShape.ColumnTile;
        int slices = Group.DimX / KernelShape.ColumnTile;
        int col = Grid.IdxX * KernelShape.ColumnTile + lane;
        float sumG = 0f, sumB = 0f;
        if (col < cols)
        {
            for (int r = slice; r < rows; r += slices)
            {
                float d = dy[r * cols + col];
                sumG += d * (x[r * cols + col] - mean[r]) * rstd[r];
                sumB += d;
            }
        }
        partialG[Group.IdxX] = sumG;
        partialB[Group.IdxX] = sumB;
        Group.Barrier();
        if (slice == 0 && col < cols)
        {
            float totalG = 0f, totalB = 0f;
            for (int s = 0; s < slices; s++)
            {
                totalG += partialG[s * KernelShape.ColumnTile + lane];
                totalB += partialB[s * KernelShape.ColumnTile + lane];
            }
            dgamma[col] = accumulate == 0f ? totalG : accumulate * dgamma[col] + totalG;
            dbeta[col] = accumulate == 0f ? totalB : accumulate * dbeta[col] + totalB;
        }
    }
}
