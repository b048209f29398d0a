namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations = 1)
    {
        OpPreconditions.PowerIteration(this, w, u, v, iterations);
        Span<float> ws = Data(w), us = Data(u), vs = Data(v);
        int rows = w.Rows, cols = w.Cols;
        for (int it = 0; it < iterations; it++)
        {
            // v = Wᵀu / ‖Wᵀu‖ is written straight into v: the old v is not needed, so no scratch.
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int i = 0; i < rows; i++) sum += (double)ws[i * cols + j] * us[i];
                vs[j] = (float)sum;
            }
            NormaliseOrReset(vs);
            for (int i = 0; i < rows; i++)
            {
                double sum = 0;
                for (int j = 0; j < cols; j++) sum += (double)ws[i * cols + j] * vs[j];
                us[i] = (float)sum;
            }
            NormaliseOrReset(us);
        }
        double sigma = 0;
        for (int i = 0; i < rows; i++)
        {
            double wv = 0;
            for (int j = 0; j < cols; j++) wv += (double)ws[i * cols + j] * vs[j];
            sigma += us[i] * wv;
        }
        return (float)sigma;
    }

    /// <summary>
    /// Scales x to unit length; a zero vector (W = 0, or u orthogonal to W's range) becomes the
    /// uniform unit vector so that later iterations can still recover.
    /// </summary>
    private static void NormaliseOrReset(Span<float> x)
    {
        double squares = 0;
        foreach (float value in x) squares += (double)value * value;
        if (squares == 0)
        {
            x.Fill((float)(1 / Math.Sqrt(x.Length)));
            return;
        }
        double inverse = 1 / Math.Sqrt(squares);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * inverse);
    }
}
