namespace DpSynth.Kernels;

/// <summary>
/// GEMM argument validation shared by every backend, so that all of them refuse the same misuse
/// with the same message naming the shapes.
/// </summary>
internal static class GemmShapeCheck
{
    /// <summary>Validates operands, output, bias and activation; returns M, N, K of C = op(A)·op(B).</summary>
    public static (int M, int N, int K) Validate(IComputeBackend backend, Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, GemmEpilogue epilogue)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        ShapeCheck.Owned(backend, "Gemm", a, b, c, epilogue.Bias);
        int m = transposeA ? a.Cols : a.Rows, kA = transposeA ? a.Rows : a.Cols;
        int kB = transposeB ? b.Cols : b.Rows, n = transposeB ? b.Rows : b.Cols;
        if (kA != kB)
            throw new ArgumentException($"Gemm: op(A) is {m}×{kA} but op(B) is {kB}×{n}; the inner dimensions differ ({Describe(a, transposeA, b, transposeB, c)}).");
        if (c.Rows != m || c.Cols != n)
            throw new ArgumentException($"Gemm: C is {c.ShapeText}, expected {m}×{n} ({Describe(a, transposeA, b, transposeB, c)}).");
        if (epilogue.Bias is { } bias && bias.Length != n)
            throw new ArgumentException($"Gemm: bias is {bias.ShapeText}, expected 1×{n} for C {c.ShapeText}.");
        if (!Enum.IsDefined(epilogue.Activation))
            throw new ArgumentOutOfRangeException(nameof(epilogue), $"Gemm: unknown activation {(int)epilogue.Activation}.");
        if (Overlaps(c, a) || Overlaps(c, b))
            throw new ArgumentException($"Gemm: C {c.ShapeText} overlaps an input ({Describe(a, transposeA, b, transposeB, c)}); outputs may not alias inputs.");
        return (m, n, kA);
    }

    private static string Describe(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c)
        => $"A {a.ShapeText}{(transposeA ? " transposed" : "")}, B {b.ShapeText}{(transposeB ? " transposed" : "")}, C {c.ShapeText}";

    private static bool Overlaps(Tensor x, Tensor y)
        => ReferenceEquals(x.Storage, y.Storage) && x.Length > 0 && y.Length > 0
           && x.Offset < y.Offset + y.Length && y.Offset < x.Offset + x.Length;
}
