namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void Softmax(IComputeBackend b, Tensor x, Tensor y, ColumnSpans spans)
    {
        ShapeCheck.Owned(b, nameof(Softmax), x, y);
        ShapeCheck.SameShape(x, y, nameof(Softmax), "x", "y");
        Fits(spans, x, nameof(Softmax), "x");
    }

    public static void SoftmaxBackward(IComputeBackend b, Tensor y, Tensor dy, Tensor dx, ColumnSpans spans)
    {
        const string op = nameof(SoftmaxBackward);
        ShapeCheck.Owned(b, op, y, dy, dx);
        ShapeCheck.SameShape(y, dy, op, "y", "dy");
        ShapeCheck.SameShape(y, dx, op, "y", "dx");
        Fits(spans, y, op, "y");
    }
}
