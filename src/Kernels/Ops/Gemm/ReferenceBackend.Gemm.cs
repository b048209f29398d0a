namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    /// <remarks>The textbook triple loop with a double accumulator; the epilogue in double.</remarks>
    public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha = 1f, float beta = 0f, GemmEpilogue epilogue = default)
    {
        var (m, n, k) = GemmShapeCheck.Validate(this, a, transposeA, b, transposeB, c, epilogue);
        ReadOnlySpan<float> av = HostStorage.SpanOf(a), bv = HostStorage.SpanOf(b);
        ReadOnlySpan<float> bias = epilogue.Bias is { } bt ? HostStorage.SpanOf(bt) : default;
        Span<float> cv = HostStorage.SpanOf(c);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? av[p * a.Cols + i] : av[i * a.Cols + p];
                    float bpj = transposeB ? bv[j * b.Cols + p] : bv[p * b.Cols + j];
                    sum += (double)aip * bpj;
                }
                double value = alpha * sum;
                if (beta != 0f) value += beta * (double)cv[i * n + j]; // β = 0 must not read C (it may hold NaN)
                if (!bias.IsEmpty) value += bias[j];
                cv[i * n + j] = (float)ActivationMath.Forward(epilogue.Activation, value, epilogue.ActivationParameter);
            }
        }
    }
}
