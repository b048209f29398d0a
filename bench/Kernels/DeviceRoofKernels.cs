using System.Runtime.CompilerServices;
using ILGPU;

// ILGPU's CPU accelerator runs kernels from a dynamic assembly that calls into this one.
[assembly: InternalsVisibleTo("ILGPURuntime")]

namespace DpSynth.Bench.Kernels;

/// <summary>
/// The GPU counterparts of <see cref="FmaPeak"/> and <see cref="Triad"/>, as ILGPU kernels: 16
/// independent multiply-add chains per thread (ptxas contracts each a·m + d into one FMA), and a
/// grid-stride triad over device arrays.
/// </summary>
internal static class DeviceRoofKernels
{
    /// <summary>Chains of a = a·m + d, <paramref name="iterations"/> times; the sum is stored so nothing is dead code.</summary>
    public static void FmaChains(ArrayView<float> sink, int iterations, float m, float d)
    {
        int index = Grid.GlobalIndex.X;
        float a0 = index * 1e-9f, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d, a4 = a3 + d, a5 = a4 + d, a6 = a5 + d, a7 = a6 + d;
        float a8 = a7 + d, a9 = a8 + d, a10 = a9 + d, a11 = a10 + d, a12 = a11 + d, a13 = a12 + d, a14 = a13 + d, a15 = a14 + d;
        for (int k = 0; k < iterations; k++)
        {
            a0 = a0 * m + d; a1 = a1 * m + d; a2 = a2 * m + d; a3 = a3 * m + d;
            a4 = a4 * m + d; a5 = a5 * m + d; a6 = a6 * m + d; a7 = a7 * m + d;
            a8 = a8 * m + d; a9 = a9 * m + d; a10 = a10 * m + d; a11 = a11 * m + d;
            a12 = a12 * m + d; a13 = a13 * m + d; a14 = a14 * m + d; a15 = a15 * m + d;
        }
        sink[index] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
    }

    /// <summary>FLOPs per thread per iteration of <see cref="FmaChains"/>.</summary>
    public const int FlopsPerIteration = 32;

    /// <summary>a[i] = b[i] + s·c[i] over n elements, grid-stride.</summary>
    public static void Triad(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int n, float s)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            a[i] = b[i] + s * c[i];
    }
}
