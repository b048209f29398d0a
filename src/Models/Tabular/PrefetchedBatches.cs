namespace DpSynth.Models.Tabular;

/// <summary>
/// Produces the next item of a sequence on a worker thread while the caller consumes the current
/// one, so that generating batch i + 1 overlaps writing batch i. At most one item is produced
/// ahead; the source's exceptions surface, unwrapped, where the item would have been.
/// </summary>
public static class PrefetchedBatches
{
    /// <summary>The items of <paramref name="source"/>, each produced while the previous one is consumed.</summary>
    /// <param name="source">A sequence whose items do not share state that the next item overwrites (e.g. generated tables).</param>
    public static IEnumerable<T> Ahead<T>(IEnumerable<T> source)
    {
        var items = source.GetEnumerator();
        Task<bool>? pending = null;
        try
        {
            pending = Task.Run(items.MoveNext);
            while (pending.GetAwaiter().GetResult())
            {
                var current = items.Current;
                pending = Task.Run(items.MoveNext);
                yield return current;
            }
        }
        finally
        {
            // The enumerator may be mid-MoveNext when the consumer stops early: let it finish first.
            try { pending?.Wait(); } catch (AggregateException) { }
            items.Dispose();
        }
    }
}
