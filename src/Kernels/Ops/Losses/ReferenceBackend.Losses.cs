namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss = null, Tensor? columnWeights = null, float gradScale = 1f)
    {
        OpPreconditions.MseLoss(this, prediction, target, dPrediction, rowLoss, columnWeights);
        Span<float> p = Data(prediction), t = Data(target), dp = Data(dPrediction);
        Span<float> rl = rowLoss is null ? default : Data(rowLoss), w = columnWeights is null ? default : Data(columnWeights);
        int rows = prediction.Rows, cols = prediction.Cols;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            double row = 0;
            for (int j = 0; j < cols; j++)
            {
                int k = i * cols + j;
                double weight = columnWeights is null ? 1 : w[j];
                double diff = (double)p[k] - t[k];
                row += weight * diff * diff;
                dp[k] = (float)(gradScale * 2 * weight * diff / cols);
            }
            row /= cols;
            if (rowLoss is not null) rl[i] = (float)row;
            total += row;
        }
        return rows == 0 ? 0f : (float)(total / rows);
    }

    /// <inheritdoc />
    public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss = null, float gradScale = 1f)
    {
        OpPreconditions.CrossEntropyLoss(this, logits, target, spans, dLogits, rowLoss);
        Span<float> x = Data(logits), t = Data(target), dx = Data(dLogits);
        Span<float> rl = rowLoss is null ? default : Data(rowLoss);
        int rows = logits.Rows, cols = logits.Cols;
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            double row = 0;
            for (int s = 0; s < spans.Count; s++)
            {
                int start = i * cols + spans.Starts[s], length = spans.Lengths[s];
                double logSumExp = LogSumExp(x.Slice(start, length));
                for (int k = start; k < start + length; k++)
                {
                    double logProbability = x[k] - logSumExp;
                    row -= t[k] * logProbability;
                    dx[k] = (float)(dx[k] + gradScale * (Math.Exp(logProbability) - t[k]));
                }
            }
            if (rowLoss is not null) rl[i] = (float)(rl[i] + row);
            total += row;
        }
        return rows == 0 ? 0f : (float)(total / rows);
    }
}
