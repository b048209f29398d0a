using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Element-wise kernels. Each is a grid-stride loop: the host launches at most a few waves of groups
/// and every thread walks the tensor with stride grid·group, so one launch shape fits any length and
/// consecutive threads touch consecutive floats (coalesced).
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>x[i] = value.</summary>
    public static void Fill(ArrayView<float> x, int n, float value)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            x[i] = value;
    }

    /// <summary>dst[i] = src[i].</summary>
    public static void Copy(ArrayView<float> src, ArrayView<float> dst, int n)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            dst[i] = src[i];
    }

    /// <summary>y[i] += α·x[i].</summary>
    public static void Axpy(ArrayView<float> x, ArrayView<float> y, int n, float alpha)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            y[i] += alpha * x[i];
    }

    /// <summary>x[i] *= α.</summary>
    public static void Scale(ArrayView<float> x, int n, float alpha)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            x[i] *= alpha;
    }

    /// <summary>z[i] = x[i]·y[i] (z may alias x or y: each index is read before it is written by one thread).</summary>
    public static void Multiply(ArrayView<float> x, ArrayView<float> y, ArrayView<float> z, int n)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            z[i] = x[i] * y[i];
    }

    /// <summary>x[r, c] += bias[c] over a rows × cols tensor of n elements.</summary>
    public static void AddBias(ArrayView<float> x, ArrayView<float> bias, int n, int cols)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            x[i] += bias[i % cols];
    }

    /// <summary>dst[r, dstColumn + c] = src[r, srcColumn + c] for c &lt; count.</summary>
    public static void CopyColumns(ArrayView<float> src, ArrayView<float> dst, ColumnCopy copy)
    {
        int n = copy.Rows * copy.Count;
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
        {
            int r = i / copy.Count, c = i - r * copy.Count;
            dst[r * copy.DstCols + copy.DstColumn + c] = src[r * copy.SrcCols + copy.SrcColumn + c];
        }
    }

    /// <summary>
    /// dst[c] = β·dst[c] + Σ_r src[r, c] (β = 0 overwrites). A group owns 32 adjacent columns; its 8 warps'
    /// worth of threads split the rows (coalesced 128-byte reads per row), then one thread per column
    /// adds the 8 partial sums from shared memory in a fixed order.
    /// </summary>
    public static void ColumnSums(ArrayView<float> src, ArrayView<float> dst, int rows, int cols, float beta)
    {
        var partial = SharedMemory.Allocate<float>(KernelShape.MaxGroupSize);
        int lane = Group.IdxX % KernelShape.ColumnTile, slice = Group.IdxX / KernelShape.ColumnTile;
        int slices = Group.DimX / KernelShape.ColumnTile;
        int col = Grid.IdxX * KernelShape.ColumnTile + lane;
        float sum = 0f;
        if (col < cols)
            for (int r = slice; r < rows; r += slices) sum += src[r * cols + col];
        partial[Group.IdxX] = sum;
        Group.Barrier();
        if (slice == 0 && col < cols)
        {
            float total = 0f;
            for (int s = 0; s < slices; s++) total += partial[s * KernelShape.ColumnTile + lane];
            dst[col] = beta == 0f ? total : beta * dst[col] + total;
        }
    }
}

/// <summary>Arguments of <see cref="ElementwiseKernels.CopyColumns"/>.</summary>
internal struct ColumnCopy
{
    public int Rows, Count, SrcCols, SrcColumn, DstCols, DstColumn;
}
