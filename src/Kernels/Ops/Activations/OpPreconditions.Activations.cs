namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void ActivationForward(IComputeBackend b, Activation f, Tensor x, Tensor y)
    {
        ShapeCheck.Owned(b, nameof(ActivationForward), x, y);
        Known(f, nameof(ActivationForward));
        ShapeCheck.SameShape(x, y, nameof(ActivationForward), "x", "y");
    }

    public static void ActivationBackward(IComputeBackend b, Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        const string op = nameof(ActivationBackward);
        ShapeCheck.Owned(b, op, x, y, dy, dx);
        Known(f, op);
        ShapeCheck.SameShape(x, y, op, "x", "y");
        ShapeCheck.SameShape(x, dy, op, "x", "dy");
        ShapeCheck.SameShape(x, dx, op, "x", "dx");
    }

    private static void Known(Activation f, string op)
    {
        if ((uint)f > (uint)Activation.Sigmoid)
            throw new ArgumentOutOfRangeException(nameof(f), $"{op}: unknown activation {(int)f}.");
    }
}
