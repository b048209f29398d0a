namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void RowSquaredNorms(IComputeBackend b, Tensor x, Tensor norms)
    {
        ShapeCheck.Owned(b, nameof(RowSquaredNorms), x, norms);
        Length(norms, x.Rows, nameof(RowSquaredNorms), "norms", x, "x");
    }

    public static void GroupedSumSquaredNorms(IComputeBackend b, Tensor x, int groupSize, Tensor norms)
    {
        const string op = nameof(GroupedSumSquaredNorms);
        ShapeCheck.Owned(b, op, x, norms);
        ShapeCheck.Grouped(x, groupSize, op, "x");
        Length(norms, x.Rows / groupSize, op, "norms", x, "x");
    }

    public static void LinearPerExampleSquaredNorms(IComputeBackend b, Tensor a, Tensor delta, int groupSize, Tensor norms)
    {
        const string op = nameof(LinearPerExampleSquaredNorms);
        ShapeCheck.Owned(b, op, a, delta, norms);
        ShapeCheck.SameRows(a, delta, op, "a", "delta");
        ShapeCheck.Grouped(a, groupSize, op, "a");
        Length(norms, a.Rows / groupSize, op, "norms", a, "a");
    }

    public static void ClipFactors(IComputeBackend b, Tensor squaredNorms, float clipNorm, Tensor factors)
    {
        ShapeCheck.Owned(b, nameof(ClipFactors), squaredNorms, factors);
        ShapeCheck.SameLength(squaredNorms, factors, nameof(ClipFactors));
        if (!(clipNorm > 0f))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), $"{nameof(ClipFactors)}: the clip norm is {clipNorm}; it must be positive (+∞ disables clipping).");
    }

    public static void ScaleRows(IComputeBackend b, Tensor x, Tensor factors, int groupSize)
    {
        ShapeCheck.Owned(b, nameof(ScaleRows), x, factors);
        ShapeCheck.Grouped(x, groupSize, nameof(ScaleRows), "x");
        Length(factors, x.Rows / groupSize, nameof(ScaleRows), "factors", x, "x");
    }
}
