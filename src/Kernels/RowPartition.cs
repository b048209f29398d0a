namespace DpSynth.Kernels;

/// <summary>
/// The one way to spread a minibatch over cores. Ops themselves are single-threaded; a caller
/// splits its rows into contiguous chunks once per step and runs each chunk's ops on one core.
/// A Parallel.For dispatch costs 10–20 µs on the 2-core dev machine, so work below the threshold
/// runs inline.
/// </summary>
public static class RowPartition
{
    /// <summary>Worker count used when none is given: the number of logical processors.</summary>
    public static int DefaultWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Calls <paramref name="body"/>(chunk, start, count) for up to <paramref name="workers"/>
    /// contiguous row chunks covering [0, rows). Runs inline as a single chunk when
    /// rows·costPerRow is below <paramref name="minWork"/> (in the caller's units, e.g. FLOPs).
    /// </summary>
    public static void For(int rows, double costPerRow, double minWork, Action<int, int, int> body, int workers = 0)
    {
        if (rows <= 0) return;
        if (workers <= 0) workers = DefaultWorkers;
        int chunks = rows * costPerRow < minWork ? 1 : Math.Min(workers, rows);
        if (chunks == 1)
        {
            body(0, 0, rows);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            var (start, count) = Chunk(rows, chunks, chunk);
            body(chunk, start, count);
        });
    }

    /// <summary>Rows [start, start + count) of chunk <paramref name="index"/> out of <paramref name="chunks"/>.</summary>
    public static (int Start, int Count) Chunk(int rows, int chunks, int index)
    {
        int baseCount = rows / chunks, extra = rows % chunks;
        int start = index * baseCount + Math.Min(index, extra);
        return (start, baseCount + (index < extra ? 1 : 0));
    }
}
