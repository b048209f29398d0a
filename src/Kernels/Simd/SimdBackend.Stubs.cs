// Ops not yet implemented; each moves to its op-family file when written.
using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Simd;

public sealed partial class SimdBackend
{
    /// <inheritdoc />
    public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha, float beta, GemmEpilogue epilogue) => throw new NotImplementedException("SimdBackend.Gemm");

    /// <inheritdoc />
    public void AddBias(Tensor x, Tensor bias) => throw new NotImplementedException("SimdBackend.AddBias");

    /// <inheritdoc />
    public void BiasGradient(Tensor dy, Tensor dbias, float beta) => throw new NotImplementedException("SimdBackend.BiasGradient");

    /// <inheritdoc />
    public void Axpy(float alpha, Tensor x, Tensor y) => throw new NotImplementedException("SimdBackend.Axpy");

    /// <inheritdoc />
    public void Scale(Tensor x, float alpha) => throw new NotImplementedException("SimdBackend.Scale");

    /// <inheritdoc />
    public void Multiply(Tensor x, Tensor y, Tensor z) => throw new NotImplementedException("SimdBackend.Multiply");

    /// <inheritdoc />
    public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count) => throw new NotImplementedException("SimdBackend.CopyColumns");

    /// <inheritdoc />
    public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter) => throw new NotImplementedException("SimdBackend.ActivationForward");

    /// <inheritdoc />
    public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter) => throw new NotImplementedException("SimdBackend.ActivationBackward");

    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log) => throw new NotImplementedException("SimdBackend.Softmax");

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log) => throw new NotImplementedException("SimdBackend.SoftmaxBackward");

    /// <inheritdoc />
    public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss, Tensor? columnWeights, float gradScale) => throw new NotImplementedException("SimdBackend.MseLoss");

    /// <inheritdoc />
    public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss, float gradScale) => throw new NotImplementedException("SimdBackend.CrossEntropyLoss");

    /// <inheritdoc />
    public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps) => throw new NotImplementedException("SimdBackend.LayerNormForward");

    /// <inheritdoc />
    public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate) => throw new NotImplementedException("SimdBackend.LayerNormBackward");

    /// <inheritdoc />
    public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate) => throw new NotImplementedException("SimdBackend.RowSquaredNorms");

    /// <inheritdoc />
    public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate) => throw new NotImplementedException("SimdBackend.GroupedSumSquaredNorms");

    /// <inheritdoc />
    public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate) => throw new NotImplementedException("SimdBackend.LinearPerExampleSquaredNorms");

    /// <inheritdoc />
    public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors) => throw new NotImplementedException("SimdBackend.ClipFactors");

    /// <inheritdoc />
    public void ScaleRows(Tensor x, Tensor factors, int groupSize) => throw new NotImplementedException("SimdBackend.ScaleRows");

    /// <inheritdoc />
    public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum, float weightDecay) => throw new NotImplementedException("SimdBackend.SgdStep");

    /// <inheritdoc />
    public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step) => throw new NotImplementedException("SimdBackend.AdamStep");

    /// <inheritdoc />
    public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations) => throw new NotImplementedException("SimdBackend.PowerIteration");

}
