using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

public class PrefetchedBatchesTests
{
    [Fact]
    public void ItemsArriveInOrderAndTheNextIsProducedWhileTheCurrentIsConsumed()
    {
        int produced = 0;
        IEnumerable<int> Source()
        {
            for (int i = 0; i < 5; i++) { Interlocked.Increment(ref produced); yield return i; }
        }
        var seen = new List<int>();
        foreach (int item in PrefetchedBatches.Ahead(Source()))
        {
            seen.Add(item);
            // Item i + 1 is being (or has been) produced while i is consumed; never more than one ahead.
            // Generous: on a loaded machine the thread pool can take seconds to start the producer.
            SpinWait.SpinUntil(() => Volatile.Read(ref produced) >= Math.Min(item + 2, 5), 30_000);
            Assert.InRange(Volatile.Read(ref produced), Math.Min(item + 2, 5), item + 2);
        }
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public void SourceExceptionsSurfaceUnwrappedAndStoppingEarlyDisposesTheSource()
    {
        IEnumerable<int> Failing()
        {
            yield return 1;
            throw new TableFormatException("t.csv", 3, "x", "a number");
        }
        var items = new List<int>();
        Assert.Throws<TableFormatException>(() => { foreach (int i in PrefetchedBatches.Ahead(Failing())) items.Add(i); });
        Assert.Equal([1], items);

        bool disposed = false;
        IEnumerable<int> Endless()
        {
            try { for (int i = 0; ; i++) yield return i; }
            finally { disposed = true; }
        }
        Assert.Equal([0, 1, 2], PrefetchedBatches.Ahead(Endless()).Take(3));
        Assert.True(disposed);
    }
}
