using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Activation forward and backward as grid-stride loops (see <see cref="ElementwiseKernels"/>); the
/// functions themselves are in <see cref="DeviceActivation"/>, shared with the GEMM epilogue.
/// </summary>
internal static class ActivationKernels
{
    /// <summary>y = f(x); y may alias x.</summary>
    public static void ActivationForward(ArrayView<float> x, ArrayView<float> y, int n, int f, float slope)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            y[i] = DeviceActivation.Forward(f, x[i], slope);
    }

    /// <summary>dx = f'(x)·dy; dx may alias dy.</summary>
    public static void ActivationBackward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int n, int f, float slope)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
            dx[i] = DeviceActivation.Derivative(f, x[i], y[i], slope) * dy[i];
    }
}
