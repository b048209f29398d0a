namespace DpSynth.Kernels;

/// <summary>Shape validation shared by all backends; every message names the shapes involved.</summary>
public static class ShapeCheck
{
    /// <summary>Throws unless the tensor has exactly the given shape.</summary>
    public static void Is(Tensor t, int rows, int cols, string op, string name)
    {
        if (t.Rows != rows || t.Cols != cols)
            throw new ArgumentException($"{op}: {name} is {t.ShapeText}, expected {rows}×{cols}.");
    }

    /// <summary>Throws unless both tensors have the same shape.</summary>
    public static void SameShape(Tensor a, Tensor b, string op, string nameA = "input", string nameB = "output")
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
            throw new ArgumentException($"{op}: {nameA} is {a.ShapeText} but {nameB} is {b.ShapeText}; they must match.");
    }

    /// <summary>Throws unless both tensors hold the same number of elements.</summary>
    public static void SameLength(Tensor a, Tensor b, string op)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"{op}: {a.ShapeText} ({a.Length} elements) and {b.ShapeText} ({b.Length} elements) differ in length.");
    }

    /// <summary>Throws unless a host buffer and a tensor hold the same number of elements.</summary>
    public static void SameLength(int hostLength, Tensor t, string op)
    {
        if (hostLength != t.Length)
            throw new ArgumentException($"{op}: host buffer has {hostLength} elements but the tensor is {t.ShapeText} ({t.Length} elements).");
    }

    /// <summary>Throws unless the tensor holds exactly <paramref name="length"/> elements (any shape).</summary>
    public static void HasLength(Tensor t, int length, string op, string name)
    {
        if (t.Length != length)
            throw new ArgumentException($"{op}: {name} is {t.ShapeText} ({t.Length} elements), expected {length} elements.");
    }

    /// <summary>Throws unless every tensor belongs to <paramref name="backend"/>.</summary>
    public static void Owned(IComputeBackend backend, string op, params ReadOnlySpan<Tensor?> tensors)
    {
        foreach (var t in tensors)
            if (t is not null && !ReferenceEquals(t.Backend, backend))
                throw new ArgumentException($"{op}: tensor {t.ShapeText} belongs to backend '{t.Backend.Name}', not '{backend.Name}'.");
    }

    /// <summary>Throws unless rows is a positive multiple of the group size.</summary>
    public static void Grouped(Tensor t, int groupSize, string op, string name)
    {
        if (groupSize <= 0 || t.Rows % groupSize != 0)
            throw new ArgumentException($"{op}: {name} is {t.ShapeText}; its {t.Rows} rows are not a multiple of the group size {groupSize} (which must be positive).");
    }

    /// <summary>Throws unless both tensors have the same number of rows.</summary>
    public static void SameRows(Tensor a, Tensor b, string op, string nameA, string nameB)
    {
        if (a.Rows != b.Rows)
            throw new ArgumentException($"{op}: {nameA} is {a.ShapeText} but {nameB} is {b.ShapeText}; they must have the same number of rows.");
    }

    /// <summary>Throws unless columns [start, start + count) lie inside the tensor's rows.</summary>
    public static void ColumnRange(Tensor t, int start, int count, string op, string name)
    {
        if (start < 0 || count < 0 || (long)start + count > t.Cols)
            throw new ArgumentException($"{op}: columns [{start}, {(long)start + count}) of {name} lie outside its rows ({name} is {t.ShapeText}).");
    }
}
