using System.Buffers;
using DpSynth.Kernels;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// The Wasserstein critic's loss on one row: t·f(x), where f(x) is the critic's (unbounded, no
/// sigmoid) output and the target t carries the row's sign and weight — −1 on real rows and +w on
/// generated ones — so that minimising the sum maximises E[f(real)] − E[f(generated)].
/// </summary>
public sealed class CriticLoss : ILoss
{
    /// <summary>Target of a real row: the critic raises its score.</summary>
    public const float RealTarget = -1f;

    /// <inheritdoc />
    public int TargetWidth(int predictionWidth) => predictionWidth == 1 ? 1
        : throw new ArgumentException($"A Wasserstein critic outputs one score per row, not {predictionWidth}.");

    /// <inheritdoc />
    public float Evaluate(IComputeBackend backend, Tensor prediction, Tensor target, Tensor dPrediction, Tensor rowLoss, float gradScale)
    {
        backend.Multiply(prediction, target, rowLoss);
        backend.Copy(target, dPrediction);
        backend.Scale(dPrediction, gradScale);
        // The mean is only a diagnostic (hidden in private runs), but keep it honest: sum on the host.
        int rows = rowLoss.Rows;
        if (rows == 0) return 0;
        var host = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            backend.Download(rowLoss, host.AsSpan(0, rows));
            double sum = 0;
            for (int i = 0; i < rows; i++) sum += host[i];
            return (float)(sum / rows);
        }
        finally { ArrayPool<float>.Shared.Return(host); }
    }
}
