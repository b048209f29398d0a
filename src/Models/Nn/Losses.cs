using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A loss over rows. Training needs per-row losses (progress, per-example objectives) and the
/// gradient w.r.t. the predictions, scaled by gradScale so that an example spanning G rows can
/// average its rows.
/// </summary>
public interface ILoss
{
    /// <summary>Columns of the target rows.</summary>
    int TargetWidth(int predictionWidth);

    /// <summary>
    /// Writes rowLoss (rows×1) and dPrediction = gradScale·∂rowLoss/∂prediction; returns the mean row loss.
    /// </summary>
    float Evaluate(IComputeBackend backend, Tensor prediction, Tensor target, Tensor dPrediction, Tensor rowLoss, float gradScale);
}

/// <summary>Mean squared error per row: Σ_j w_j·(p_j − t_j)² / cols.</summary>
/// <param name="columnWeights">Optional 1×cols weights.</param>
public sealed class MeanSquaredError(Tensor? columnWeights = null) : ILoss
{
    /// <inheritdoc />
    public int TargetWidth(int predictionWidth) => predictionWidth;

    /// <inheritdoc />
    public float Evaluate(IComputeBackend backend, Tensor prediction, Tensor target, Tensor dPrediction, Tensor rowLoss, float gradScale)
        => backend.MseLoss(prediction, target, dPrediction, rowLoss, columnWeights, gradScale);
}

/// <summary>Softmax cross-entropy within column spans (one-hot blocks of categorical columns).</summary>
/// <param name="spans">The spans; columns outside them get no loss and no gradient.</param>
public sealed class SpanCrossEntropy(ColumnSpans spans) : ILoss
{
    /// <inheritdoc />
    public int TargetWidth(int predictionWidth) => predictionWidth;

    /// <inheritdoc />
    public float Evaluate(IComputeBackend backend, Tensor prediction, Tensor target, Tensor dPrediction, Tensor rowLoss, float gradScale)
    {
        // The op accumulates (so it can follow MSE on mixed heads); start from zero here.
        backend.Fill(dPrediction, 0f);
        backend.Fill(rowLoss, 0f);
        return backend.CrossEntropyLoss(prediction, target, spans, dPrediction, rowLoss, gradScale);
    }
}

/// <summary>
/// A mixed head: weighted MSE on the columns whose weight is non-zero (numeric columns), plus
/// softmax cross-entropy within the spans (one-hot blocks of categorical columns). The weights
/// should be zero on span columns, so each column gets exactly one of the two losses.
/// </summary>
/// <param name="columnWeights">1×cols MSE weights (zero on span columns).</param>
/// <param name="spans">The categorical spans.</param>
public sealed class MixedSpanLoss(Tensor columnWeights, ColumnSpans spans) : ILoss
{
    /// <inheritdoc />
    public int TargetWidth(int predictionWidth) => predictionWidth;

    /// <inheritdoc />
    public float Evaluate(IComputeBackend backend, Tensor prediction, Tensor target, Tensor dPrediction, Tensor rowLoss, float gradScale)
    {
        // MseLoss overwrites dPrediction and rowLoss; the cross-entropy op then accumulates onto them.
        float mse = backend.MseLoss(prediction, target, dPrediction, rowLoss, columnWeights, gradScale);
        if (spans.Count == 0) return mse;
        return mse + backend.CrossEntropyLoss(prediction, target, spans, dPrediction, rowLoss, gradScale);
    }

    /// <summary>
    /// MSE weights for an encoded width: <paramref name="width"/> on columns outside every span (so
    /// each numeric column's term is its plain squared error, like one span's cross-entropy), 0 inside.
    /// </summary>
    public static float[] NumericWeights(int width, ColumnSpans spans)
    {
        var weights = new float[width];
        Array.Fill(weights, width);
        for (int s = 0; s < spans.Count; s++) weights.AsSpan(spans.Starts[s], spans.Lengths[s]).Clear();
        return weights;
    }
}
