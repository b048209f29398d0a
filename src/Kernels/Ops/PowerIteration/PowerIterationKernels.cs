using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// The pieces of a power-iteration step on a rows × cols weight W. Each step is a chain of launches
/// (a grid-wide dependency separates Wᵀu from its normalisation), all queued on one stream without
/// host round trips; only σ comes back.
/// </summary>
internal static class PowerIterationKernels
{
    /// <summary>result[j] = Σ_i W[i, j]·u[i]: one thread per column, so each row of W is read coalesced.</summary>
    public static void TransposedProduct(ArrayView<float> w, ArrayView<float> u, ArrayView<float> result, int rows, int cols)
    {
        for (int j = Grid.IdxX * Group.DimX + Group.IdxX; j < cols; j += Grid.DimX * Group.DimX)
        {
            float sum = 0f;
            for (int i = 0; i < rows; i++) sum += w[i * cols + j] * u[i];
            result[j] = sum;
        }
    }

    /// <summary>result[i] = W[i, :]·v: one group per row.</summary>
    public static void Product(ArrayView<float> w, ArrayView<float> v, ArrayView<float> result, int cols)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int start = Grid.IdxX * cols;
        float sum = 0f;
        for (int j = Group.IdxX; j < cols; j += Group.DimX) sum += w[start + j] * v[j];
        float total = GroupReduce.Sum(sum, scratch);
        if (Group.IdxX == 0) result[Grid.IdxX] = total;
    }

    /// <summary>
    /// x /= ‖x‖ in one group; a zero vector becomes the uniform unit vector (as in the reference), so
    /// a later iteration can still recover.
    /// </summary>
    public static void NormaliseOrReset(ArrayView<float> x, int n)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        float squares = 0f;
        for (int i = Group.IdxX; i < n; i += Group.DimX) squares += x[i] * x[i];
        float total = GroupReduce.Sum(squares, scratch);
        float uniform = 1f / MathF.Sqrt(n);
        float inverse = 1f / MathF.Sqrt(total);
        for (int i = Group.IdxX; i < n; i += Group.DimX) x[i] = total == 0f ? uniform : x[i] * inverse;
    }

    /// <summary>result[slot] = u·t in one group.</summary>
    public static void Dot(ArrayView<float> u, ArrayView<float> t, ArrayView<float> result, int n, int slot)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        float sum = 0f;
        for (int i = Group.IdxX; i < n; i += Group.DimX) sum += u[i] * t[i];
        float total = GroupReduce.Sum(sum, scratch);
        if (Group.IdxX == 0) result[slot] = total;
    }
}
