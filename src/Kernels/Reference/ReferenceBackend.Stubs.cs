// Ops not yet implemented; each moves to its op-family file when written.
using DpSynth.Kernels.Random;

namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha, float beta, GemmEpilogue epilogue) => throw new NotImplementedException("ReferenceBackend.Gemm");

    /// <inheritdoc />
    public void AddBias(Tensor x, Tensor bias) => throw new NotImplementedException("ReferenceBackend.AddBias");

    /// <inheritdoc />
    public void BiasGradient(Tensor dy, Tensor dbias, float beta) => throw new NotImplementedException("ReferenceBackend.BiasGradient");

    /// <inheritdoc />
    public void Axpy(float alpha, Tensor x, Tensor y) => throw new NotImplementedException("ReferenceBackend.Axpy");

    /// <inheritdoc />
    public void Scale(Tensor x, float alpha) => throw new NotImplementedException("ReferenceBackend.Scale");

    /// <inheritdoc />
    public void Multiply(Tensor x, Tensor y, Tensor z) => throw new NotImplementedException("ReferenceBackend.Multiply");

    /// <inheritdoc />
    public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count) => throw new NotImplementedException("ReferenceBackend.CopyColumns");

    /// <inheritdoc />
    public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter) => throw new NotImplementedException("ReferenceBackend.ActivationForward");

    /// <inheritdoc />
    public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter) => throw new NotImplementedException("ReferenceBackend.ActivationBackward");

    /// <inheritdoc />
    public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log) => throw new NotImplementedException("ReferenceBackend.Softmax");

    /// <inheritdoc />
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log) => throw new NotImplementedException("ReferenceBackend.SoftmaxBackward");

    /// <inheritdoc />
    public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss, Tensor? columnWeights, float gradScale) => throw new NotImplementedException("ReferenceBackend.MseLoss");

    /// <inheritdoc />
    public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss, float gradScale) => throw new NotImplementedException("ReferenceBackend.CrossEntropyLoss");

    /// <inheritdoc />
    public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps) => throw new NotImplementedException("ReferenceBackend.LayerNormForward");

    /// <inheritdoc />
    public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate) => throw new NotImplementedException("ReferenceBackend.LayerNormBackward");

    /// <inheritdoc />
    public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate) => throw new NotImplementedException("ReferenceBackend.RowSquaredNorms");

    /// <inheritdoc />
    public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate) => throw new NotImplementedException("ReferenceBackend.GroupedSumSquaredNorms");

    /// <inheritdoc />
    public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate) => throw new NotImplementedException("ReferenceBackend.LinearPerExampleSquaredNorms");

    /// <inheritdoc />
    public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors) => throw new NotImplementedException("ReferenceBackend.ClipFactors");

    /// <inheritdoc />
    public void ScaleRows(Tensor x, Tensor factors, int groupSize) => throw new NotImplementedException("ReferenceBackend.ScaleRows");

    /// <inheritdoc />
    public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum, float weightDecay) => throw new NotImplementedException("ReferenceBackend.SgdStep");

    /// <inheritdoc />
    public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step) => throw new NotImplementedException("ReferenceBackend.AdamStep");

    /// <inheritdoc />
    public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations) => throw new NotImplementedException("ReferenceBackend.PowerIteration");

}
