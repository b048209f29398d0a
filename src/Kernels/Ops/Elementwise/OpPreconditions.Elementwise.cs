namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void AddBias(IComputeBackend b, Tensor x, Tensor bias)
    {
        ShapeCheck.Owned(b, nameof(AddBias), x, bias);
        Length(bias, x.Cols, nameof(AddBias), "bias", x, "x");
    }

    public static void BiasGradient(IComputeBackend b, Tensor dy, Tensor dbias)
    {
        ShapeCheck.Owned(b, nameof(BiasGradient), dy, dbias);
        Length(dbias, dy.Cols, nameof(BiasGradient), "dbias", dy, "dy");
    }

    public static void Axpy(IComputeBackend b, Tensor x, Tensor y)
    {
        ShapeCheck.Owned(b, nameof(Axpy), x, y);
        ShapeCheck.SameLength(x, y, nameof(Axpy));
    }

    public static void Multiply(IComputeBackend b, Tensor x, Tensor y, Tensor z)
    {
        ShapeCheck.Owned(b, nameof(Multiply), x, y, z);
        ShapeCheck.SameShape(x, y, nameof(Multiply), "x", "y");
        ShapeCheck.SameShape(x, z, nameof(Multiply), "x", "z");
    }

    public static void CopyColumns(IComputeBackend b, Tensor src, int srcColumn, Tensor dst, int dstColumn, int count)
    {
        ShapeCheck.Owned(b, nameof(CopyColumns), src, dst);
        ShapeCheck.SameRows(src, dst, nameof(CopyColumns), "src", "dst");
        ShapeCheck.ColumnRange(src, srcColumn, count, nameof(CopyColumns), "src");
        ShapeCheck.ColumnRange(dst, dstColumn, count, nameof(CopyColumns), "dst");
    }
}
