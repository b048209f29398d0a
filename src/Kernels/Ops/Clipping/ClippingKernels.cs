using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Per-example squared gradient norms, clip factors and row scaling. The norms use one group per example (the grid is the batch), threads stride
/// over the columns and <see cref="GroupReduce"/> combines them. These norms decide clipping, so they
/// are plain IEEE float sums — no fast math.
/// </summary>
internal static class ClippingKernels
{
    /// <summary>x[r, :] *= factors[r / groupSize] over n elements with rows of cols.</summary>
    public static void ScaleRows(ArrayView<float> x, ArrayView<float> factors, int n, int cols, int groupSize)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            x[i] *= factors[i / cols / groupSize];
    }

    /// <summary>
    /// factors[i] = min(1, C/‖g_i‖), 1 for a zero norm or C = ∞. Evaluated in double like the reference:
    /// this number decides how much of an example survives clipping, so no fast or approximate math.
    /// A NaN norm yields NaN, so a broken gradient is not silently passed at full weight.
    /// </summary>
    public static void ClipFactors(ArrayView<float> squaredNorms, ArrayView<float> factors, int n, float clipNorm)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
        {
            double norm = Math.Sqrt((double)squaredNorms[i]);
            double factor = clipNorm == float.PositiveInfinity || norm == 0.0 ? 1.0 : clipNorm / norm;
            factors[i] = (float)(factor >= 1.0 ? 1.0 : factor);
        }
    }

    /// <summary>norms[r] = (accumulate ? norms[r] : 0) + ‖x[r, :]‖².</summary>
    public static void RowSquaredNorms(ArrayView<float> x, ArrayView<float> norms, int cols, int accumulate)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int row = Grid.IdxX, start = row * cols;
        float sum = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float v = x[start + j];
            sum += v * v;
        }
        float total = GroupReduce.Sum(sum, scratch);
        if (Group.IdxX == 0) norms[row] = (accumulate != 0 ? norms[row] : 0f) + total;
    }

    /// <summary>norms[e] (+)= ‖Σ_{t&lt;G} x[e·G + t, :]‖²: each thread sums its columns down the group first.</summary>
    public static void GroupedSumSquaredNorms(ArrayView<float> x, ArrayView<float> norms, int cols, int groupSize, int accumulate)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int example = Grid.IdxX, start = example * groupSize * cols;
        float sum = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX)
        {
            float column = 0f;
            for (int t = 0; t < groupSize; t++) column += x[start + t * cols + j];
            sum += column * column;
        }
        float total = GroupReduce.Sum(sum, scratch);
        if (Group.IdxX == 0) norms[example] = (accumulate != 0 ? norms[example] : 0f) + total;
    }

    /// <summary>
    /// norms[e] (+)= ‖Σ_t δ_t a_tᵀ‖²_F (+ ‖Σ_t δ_t‖²) = Σ_{t,t'} (a_t·a_t')(δ_t·δ_t' [+ 1·δ_t·δ_t']) without
    /// forming the in×out gradient: only the G×G Gram matrices of a and δ, of which the upper triangle is
    /// computed and the off-diagonal counted twice. The pair loop is uniform across the group, so the
    /// barriers inside the reductions are safe.
    /// </summary>
    public static void LinearPerExampleSquaredNorms(ArrayView<float> a, ArrayView<float> delta, ArrayView<float> norms, LinearNormShape shape)
    {
        var scratch = SharedMemory.Allocate<float>(2 * GroupReduce.MaxWarps);
        int first = Grid.IdxX * shape.GroupSize;
        float total = 0f;
        for (int t = 0; t < shape.GroupSize; t++)
        {
            for (int u = t; u < shape.GroupSize; u++)
            {
                int aT = (first + t) * shape.InCols, aU = (first + u) * shape.InCols;
                int dT = (first + t) * shape.OutCols, dU = (first + u) * shape.OutCols;
                float aDot = 0f, dDot = 0f;
                for (int j = Group.IdxX; j < shape.InCols; j += Group.DimX) aDot += a[aT + j] * a[aU + j];
                for (int j = Group.IdxX; j < shape.OutCols; j += Group.DimX) dDot += delta[dT + j] * delta[dU + j];
                var dots = GroupReduce.Sum2(aDot, dDot, scratch);
                float weight = t == u ? 1f : 2f;
                total += weight * (dots.First * dots.Second + (shape.IncludeBias != 0 ? dots.Second : 0f));
            }
        }
        if (Group.IdxX == 0) norms[Grid.IdxX] = (shape.Accumulate != 0 ? norms[Grid.IdxX] : 0f) + total;
    }
}

/// <summary>Arguments of <see cref="ClippingKernels.LinearPerExampleSquaredNorms"/>.</summary>
internal struct LinearNormShape
{
    public int GroupSize, InCols, OutCols, IncludeBias, Accumulate;
}
