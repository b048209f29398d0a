using System.Numerics.Tensors;

namespace DpSynth.Kernels.Simd;

public sealed partial class SimdBackend
{
    /// <inheritdoc />
    /// <remarks>
    /// Needs no scratch: Wᵀu is accumulated straight into v (the old v is not needed once u is
    /// fixed) as a sum of rows scaled by u_i, and Wv straight into u as row dot products, so W is
    /// read row-major twice per iteration. σ is ‖Wv‖ of the last iteration, which equals uᵀWv once u
    /// is normalised (with zero iterations, uᵀWv is computed directly). A zero Wᵀu or Wv (W = 0, or u
    /// orthogonal to W's range) resets that vector to the uniform unit vector, so σ = 0 and later
    /// iterations can still recover.
    /// </remarks>
    public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations = 1)
    {
        OpPreconditions.PowerIteration(this, w, u, v, iterations);
        Span<float> ws = Data(w), us = Data(u), vs = Data(v);
        int rows = w.Rows, cols = w.Cols;
        if (iterations == 0)
        {
            double sigma = 0;
            for (int i = 0; i < rows; i++) sigma += us[i] * (double)TensorPrimitives.Dot(Row(ws, cols, i), vs);
            return (float)sigma;
        }
        float norm = 0f;
        for (int it = 0; it < iterations; it++)
        {
            vs.Clear();
            for (int i = 0; i < rows; i++) TensorPrimitives.MultiplyAdd(Row(ws, cols, i), us[i], vs, vs);
            NormaliseOrReset(vs);
            for (int i = 0; i < rows; i++) us[i] = TensorPrimitives.Dot(Row(ws, cols, i), vs);
            norm = NormaliseOrReset(us);
        }
        return norm;
    }

    /// <summary>Scales x to unit length and returns its former norm; a zero x becomes uniform.</summary>
    private static float NormaliseOrReset(Span<float> x)
    {
        float norm = TensorPrimitives.Norm(x);
        if (norm == 0f)
        {
            x.Fill(1f / MathF.Sqrt(x.Length));
            return 0f;
        }
        TensorPrimitives.Multiply(x, 1f / norm, x);
        return norm;
    }
}
