namespace DpSynth.Kernels;

/// <summary>
/// Disjoint column ranges of a row — the one-hot blocks of encoded categorical columns —
/// over which softmax and cross-entropy are taken. Immutable, so a GPU backend may cache
/// its device copy by reference.
/// </summary>
public sealed class ColumnSpans
{
    private readonly int[] _starts;
    private readonly int[] _lengths;

    /// <summary>Creates spans from (start, length) pairs; they must be sorted, disjoint and non-empty.</summary>
    public ColumnSpans(IReadOnlyList<(int Start, int Length)> spans)
    {
        _starts = new int[spans.Count];
        _lengths = new int[spans.Count];
        int end = 0;
        for (int i = 0; i < spans.Count; i++)
        {
            var (start, length) = spans[i];
            if (length <= 0) throw new ArgumentException($"Column span {i} has length {length}; spans must be non-empty.");
            if (start < end) throw new ArgumentException($"Column span {i} starts at column {start}, inside or before the previous span (which ends at {end}); spans must be sorted and disjoint.");
            _starts[i] = start;
            _lengths[i] = length;
            end = start + length;
        }
        End = end;
    }

    /// <summary>Number of spans.</summary>
    public int Count => _starts.Length;

    /// <summary>One past the last column covered by any span.</summary>
    public int End { get; }

    /// <summary>Start column of each span.</summary>
    public ReadOnlySpan<int> Starts => _starts;

    /// <summary>Length of each span.</summary>
    public ReadOnlySpan<int> Lengths => _lengths;

    /// <summary>Throws unless every span fits in a row of <paramref name="cols"/> columns.</summary>
    public void EnsureFits(int cols, string what)
    {
        if (End > cols)
            throw new ArgumentException($"{what}: column spans reach column {End} but the tensor has {cols} columns.");
    }
}
