namespace DpSynth.Kernels;

/// <summary>
/// The argument checks of every op of <see cref="IComputeBackend"/> (GEMM aside), written once so
/// that every backend refuses the same misuse with the same message. Each family's checks sit beside
/// its implementations in <c>Ops/&lt;Family&gt;/OpPreconditions.&lt;Family&gt;.cs</c>; this file holds the
/// shared helpers. Vectors (bias, γ, β, norms, factors, per-row statistics, u, v) are checked by
/// length, so 1×n and n×1 are both accepted.
/// </summary>
internal static partial class OpPreconditions
{
    // Messages are built only on failure: ops must not allocate on the success path.
    private static void Length(Tensor t, int length, string op, string name, Tensor of, string ofName)
    {
        if (t.Length != length)
            throw new ArgumentException($"{op}: {name} is {t.ShapeText} ({t.Length} elements) but {ofName} is {of.ShapeText}, so {name} needs {length} elements.");
    }

    private static void Fits(ColumnSpans spans, Tensor t, string op, string name)
    {
        if (spans.End > t.Cols)
            throw new ArgumentException($"{op}: the column spans reach column {spans.End} but {name} is {t.ShapeText}.");
    }
}
