namespace DpSynth.Kernels.Cases;

/// <summary>
/// The shapes rows are built from: the awkward sizes that break vector and tile loops, and the
/// reference network of the benchmarks — MLP 108→256→256→108 (UCI Adult's one-hot width) at batch
/// 1024 and 16,384.
/// </summary>
internal static class CaseShapes
{
    /// <summary>1, vector-width misfits (7, 33) and one past 256.</summary>
    public static readonly int[] Awkward = [1, 7, 33, 257];

    /// <summary>Largest size a <see cref="CaseTier.Tiny"/> row may have in any dimension.</summary>
    public const int TinyLimit = 33;

    /// <summary>
    /// Most rows a <see cref="CaseTier.Tiny"/> grid shape may have: the GPU kernels of row-wise ops run
    /// one group per row, and on the simulator every group is a round of OS-thread barriers, so 7 rows
    /// (several groups) cover what 33 would at a fifth of the cost; columns still reach 33 (two strides
    /// of a 32-thread group).
    /// </summary>
    public const int TinyRows = 7;

    /// <summary>The reference network's batch sizes.</summary>
    public static readonly int[] Batches = [1024, 16384];

    /// <summary>The reference network's layers (fan-in, fan-out); weights are stored in×out.</summary>
    public static readonly (int In, int Out)[] Layers = [(108, 256), (256, 256), (256, 108)];

    /// <summary>Hidden width of the reference network.</summary>
    public const int Hidden = 256;

    /// <summary>Input and output width of the reference network (UCI Adult one-hot encoded).</summary>
    public const int Features = 108;

    /// <summary>Weights and biases of the reference network: the length of its gradient and optimiser state.</summary>
    public static int ParameterCount => Layers.Sum(l => l.In * l.Out + l.Out);

    /// <summary>
    /// The output layout of the reference network: 6 numeric columns, then one softmax span per Adult
    /// categorical column (workclass 9, education 16, marital status 7, occupation 15, relationship 6,
    /// race 5, sex 2, native country 42) — 108 columns.
    /// </summary>
    public static ColumnSpans AdultSpans { get; } = Spans(6, [9, 16, 7, 15, 6, 5, 2, 42]);

    /// <summary>Every (rows, cols) pair of the awkward sizes; <see cref="CaseTier.Tiny"/> up to <see cref="TinyRows"/> × <see cref="TinyLimit"/>.</summary>
    public static IEnumerable<(int Rows, int Cols, CaseTier Tier)> Grid()
    {
        foreach (int rows in Awkward)
            foreach (int cols in Awkward)
                yield return (rows, cols, rows <= TinyRows ? TierOf(cols) : CaseTier.Awkward);
    }

    /// <summary><see cref="CaseTier.Tiny"/> when every size is at most <see cref="TinyLimit"/>, else <see cref="CaseTier.Awkward"/>.</summary>
    public static CaseTier TierOf(params ReadOnlySpan<int> sizes)
    {
        foreach (int s in sizes)
            if (s > TinyLimit) return CaseTier.Awkward;
        return CaseTier.Tiny;
    }

    /// <summary>The tier of the reference network at <paramref name="batch"/>.</summary>
    public static CaseTier NetworkTier(int batch) => batch <= 1024 ? CaseTier.Network : CaseTier.NetworkLarge;

    /// <summary>"rows x cols".</summary>
    public static string Text(int rows, int cols) => $"{rows}x{cols}";

    /// <summary>
    /// Span layouts for a row of <paramref name="cols"/> columns: one span over the whole row and, when
    /// there is room, several spans of mixed lengths (1, 2, misfits, one longer than a vector) with gaps.
    /// </summary>
    public static IEnumerable<(string Name, ColumnSpans Spans)> SpanLayouts(int cols)
    {
        yield return ("whole-row", new ColumnSpans([(0, cols)]));
        var spans = new List<(int, int)>();
        int start = 1;
        foreach (int length in new[] { 2, 1, 5, 17, 3, 40 })
        {
            if (start + length > cols) break;
            spans.Add((start, length));
            start += length + (spans.Count % 2); // gaps between every other pair
        }
        if (spans.Count > 0) yield return ($"{spans.Count}-spans-with-gaps", new ColumnSpans(spans));
    }

    /// <summary>Span columns in a layout (the columns softmax and cross-entropy work on).</summary>
    public static int Covered(ColumnSpans spans)
    {
        int total = 0;
        foreach (int length in spans.Lengths) total += length;
        return total;
    }

    private static ColumnSpans Spans(int leading, int[] lengths)
    {
        var spans = new List<(int, int)>();
        int start = leading;
        foreach (int length in lengths)
        {
            spans.Add((start, length));
            start += length;
        }
        return new ColumnSpans(spans);
    }
}
