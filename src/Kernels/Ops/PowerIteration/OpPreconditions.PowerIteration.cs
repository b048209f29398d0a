namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void PowerIteration(IComputeBackend b, Tensor w, Tensor u, Tensor v, int iterations)
    {
        const string op = nameof(PowerIteration);
        ShapeCheck.Owned(b, op, w, u, v);
        Length(u, w.Rows, op, "u", w, "W");
        Length(v, w.Cols, op, "v", w, "W");
        if (iterations < 0)
            throw new ArgumentOutOfRangeException(nameof(iterations), $"{op}: iterations is {iterations}; it must be zero or more.");
    }
}
