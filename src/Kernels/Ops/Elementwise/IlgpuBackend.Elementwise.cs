using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    private Action<KernelConfig, ArrayView<float>, int, float>? _fill;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int>? _copy;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float>? _axpy;
    private Action<KernelConfig, ArrayView<float>, int, float>? _scale;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _multiply;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _addBias;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, float>? _columnSums;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ColumnCopy>? _copyColumns;

    /// <inheritdoc />
    public void AddBias(Tensor x, Tensor bias)
    {
        OpPreconditions.AddBias(this, x, bias);
        if (x.Length == 0) return;
        _addBias ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(ElementwiseKernels.AddBias);
        _addBias(Spread(x.Length), View(x), View(bias), x.Length, x.Cols);
    }

    /// <inheritdoc />
    public void BiasGradient(Tensor dy, Tensor dbias, float beta = 0f)
    {
        OpPreconditions.BiasGradient(this, dy, dbias);
        if (dy.Cols == 0) return;
        _columnSums ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, float>(ElementwiseKernels.ColumnSums);
        _columnSums(GroupPer(ColumnTiles(dy.Cols)), View(dy), View(dbias), dy.Rows, dy.Cols, beta);
    }

    /// <inheritdoc />
    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        OpPreconditions.Axpy(this, x, y);
        if (x.Length == 0) return;
        _axpy ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(ElementwiseKernels.Axpy);
        _axpy(Spread(x.Length), View(x), View(y), x.Length, alpha);
    }

    /// <inheritdoc />
    public void Scale(Tensor x, float alpha)
    {
        ShapeCheck.Owned(this, nameof(Scale), x);
        if (x.Length == 0) return;
        _scale ??= _accelerator.LoadStreamKernel<ArrayView<float>, int, float>(ElementwiseKernels.Scale);
        _scale(Spread(x.Length), View(x), x.Length, alpha);
    }

    /// <inheritdoc />
    public void Multiply(Tensor x, Tensor y, Tensor z)
    {
        OpPreconditions.Multiply(this, x, y, z);
        if (x.Length == 0) return;
        _multiply ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.Multiply);
        _multiply(Spread(x.Length), View(x), View(y), View(z), x.Length);
    }

    /// <inheritdoc />
    public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count)
    {
        OpPreconditions.CopyColumns(this, src, srcColumn, dst, dstColumn, count);
        if (src.Rows == 0 || count == 0) return;
        _copyColumns ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ColumnCopy>(ElementwiseKernels.CopyColumns);
        var copy = new ColumnCopy { Rows = src.Rows, Count = count, SrcCols = src.Cols, SrcColumn = srcColumn, DstCols = dst.Cols, DstColumn = dstColumn };
        _copyColumns(Spread((long)src.Rows * count), View(src), View(dst), copy);
    }
}
