namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void MseLoss(IComputeBackend b, Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss, Tensor? columnWeights)
    {
        const string op = nameof(MseLoss);
        ShapeCheck.Owned(b, op, prediction, target, dPrediction, rowLoss, columnWeights);
        ShapeCheck.SameShape(prediction, target, op, "prediction", "target");
        ShapeCheck.SameShape(prediction, dPrediction, op, "prediction", "dPrediction");
        if (rowLoss is not null) Length(rowLoss, prediction.Rows, op, "rowLoss", prediction, "prediction");
        if (columnWeights is not null) Length(columnWeights, prediction.Cols, op, "columnWeights", prediction, "prediction");
    }

    public static void CrossEntropyLoss(IComputeBackend b, Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss)
    {
        const string op = nameof(CrossEntropyLoss);
        ShapeCheck.Owned(b, op, logits, target, dLogits, rowLoss);
        ShapeCheck.SameShape(logits, target, op, "logits", "target");
        ShapeCheck.SameShape(logits, dLogits, op, "logits", "dLogits");
        Fits(spans, logits, op, "logits");
        if (rowLoss is not null) Length(rowLoss, logits.Rows, op, "rowLoss", logits, "logits");
    }
}
