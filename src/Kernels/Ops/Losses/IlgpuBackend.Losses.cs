using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows, float>? _crossEntropy;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, MseShape>? _mse;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float, int>? _sumDivided;

    /// <inheritdoc />
    public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss = null, Tensor? columnWeights = null, float gradScale = 1f)
    {
        OpPreconditions.MseLoss(this, prediction, target, dPrediction, rowLoss, columnWeights);
        int rows = prediction.Rows;
        if (rows == 0) return 0f;
        _mse ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, MseShape>(LossKernels.MeanSquaredError);
        var perRow = Scratch(rows);
        var shape = new MseShape { Cols = prediction.Cols, HasRowLoss = rowLoss is null ? 0 : 1, HasWeights = columnWeights is null ? 0 : 1, GradScale = gradScale };
        _mse(GroupPer(rows), View(prediction), View(target), View(dPrediction), View(rowLoss), View(columnWeights), perRow, shape);
        return SumRows(perRow, rows);
    }

    /// <inheritdoc />
    public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss = null, float gradScale = 1f)
    {
        OpPreconditions.CrossEntropyLoss(this, logits, target, spans, dLogits, rowLoss);
        int rows = logits.Rows;
        if (rows == 0) return 0f;
        _crossEntropy ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, SpanRows, float>(LossKernels.CrossEntropy);
        var perRow = Scratch(rows);
        var shape = new SpanRows { Cols = logits.Cols, SpanCount = spans.Count, HasRowLoss = rowLoss is null ? 0 : 1 };
        _crossEntropy(GroupPer(rows), View(logits), View(target), View(dLogits), View(rowLoss), perRow, DeviceSpans(spans), shape, gradScale);
        return SumRows(perRow, rows);
    }

    /// <summary>(Σ perRow) / rows on the device, then the one float back.</summary>
    private float SumRows(ArrayView<float> perRow, int rows)
    {
        _sumDivided ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float, int>(LossKernels.SumDivided);
        _sumDivided(GroupPer(1), perRow, _results.View, rows, rows, 0);
        return ReadResult(0);
    }
}
