using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

/// <summary>An element-wise y = f(x), with a scalar path for tails and one per vector width.</summary>
internal interface IUnaryOperator
{
    float Invoke(float x);
    Vector256<float> Invoke(Vector256<float> x);
    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>An activation's backward: dx = f'(x)·dy from the pre-activation x and output y.</summary>
internal interface IGradientOperator
{
    float Invoke(float x, float y, float dy);
    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> dy);
    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> dy);
}

/// <summary>
/// The shared loops: whole Vector512 steps, then one Vector256 step, then scalars. Tails are scalar
/// rather than an overlapping last vector because outputs may alias inputs, and re-applying f to
/// already-written elements would be wrong. Operators are structs, so each instantiation is
/// specialised and their Invoke methods inline into the loop.
/// </summary>
internal static unsafe class ElementwiseDriver
{
    public static void Map<TOp>(TOp op, float* x, float* y, int n) where TOp : struct, IUnaryOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) Vector512.Store(op.Invoke(Vector512.Load(x + i)), y + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(op.Invoke(Vector256.Load(x + i)), y + i);
        for (; i < n; i++) y[i] = op.Invoke(x[i]);
    }

    public static void Map<TOp>(TOp op, float* x, float* y, float* dy, float* dx, int n) where TOp : struct, IGradientOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
                Vector512.Store(op.Invoke(Vector512.Load(x + i), Vector512.Load(y + i), Vector512.Load(dy + i)), dx + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8)
                Vector256.Store(op.Invoke(Vector256.Load(x + i), Vector256.Load(y + i), Vector256.Load(dy + i)), dx + i);
        for (; i < n; i++) dx[i] = op.Invoke(x[i], y[i], dy[i]);
    }
}
