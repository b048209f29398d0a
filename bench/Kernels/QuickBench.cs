using DpSynth.Kernels;
using DpSynth.Kernels.Cases;
using DpSynth.Kernels.Gpu;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// The quick mode (--json, --table): every selected row of the case table timed on one backend, at one
/// thread and — for the reference network's rows on a CPU backend — at every core, each placed on the
/// roofline measured in the same run. Ratios within one run are what to compare on a shared machine.
/// </summary>
internal static class QuickBench
{
    public static int Run(BenchOptions options, TextWriter json, TextWriter? table)
    {
        using var backend = BackendFactory.Create(options.Device);
        using Roofs roofs = backend is IlgpuBackend gpu ? new DeviceRoofs(gpu) : new CpuRoofs();
        bool host = backend is not IlgpuBackend;
        int[] threadCounts = host && options.MaxThreads > 1 ? [1, options.MaxThreads] : [1];
        JsonLines.Write(json, new
        {
            op = "context", backend = backend.Name, device = (backend as IlgpuBackend)?.DeviceName ?? "cpu", processors = Environment.ProcessorCount,
            vectorWidth = DpSynth.Kernels.Simd.SimdBackend.VectorWidth, loadAverage = JsonLines.LoadAverage(), started = DateTime.UtcNow.ToString("u"),
        });
        foreach (int t in threadCounts) roofs.FmaPeak(t);
        int reported = 0;
        void EmitRoofs()
        {
            for (; reported < roofs.Measurements.Count; reported++)
            {
                var m = roofs.Measurements[reported];
                JsonLines.Write(json, m.Kind == "fma-peak"
                    ? new { op = m.Kind, backend = backend.Name, threads = m.Threads, gflops = BenchRecord.Round(m.Value) }
                    : new { op = m.Kind, backend = backend.Name, threads = m.Threads, footprintBytes = (object)m.FootprintBytes, gbps = BenchRecord.Round(m.Value) });
            }
        }
        EmitRoofs();

        var records = new List<BenchRecord>();
        foreach (var row in options.Rows())
            foreach (int threads in threadCounts)
            {
                // Splitting only means something for the network's rows; tiny rows at 2 threads measure dispatch.
                if (threads > 1 && (!row.Splittable || row.Tier < CaseTier.Network)) continue;
                // No tiered compilation in this program (see the project file), so a short warm-up suffices.
                // The network's rows, the ones reported, get more and longer repetitions.
                var budget = row.Tier >= CaseTier.Network ? new TimingBudget(0.01, 0.02, 9) : new TimingBudget(0.01, 0.004);
                try
                {
                    var record = Measure(row, backend, threads, roofs, budget, paired: host);
                    records.Add(record);
                    EmitRoofs();
                    JsonLines.Write(json, record.Json);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    JsonLines.Write(json, new { op = row.Op, family = row.Family, shape = row.Shape, @params = row.Parameters, backend = backend.Name, threads, error = $"{e.GetType().Name}: {e.Message}" });
                }
            }
        JsonLines.Write(json, new { op = "done", backend = backend.Name, rows = records.Count, loadAverage = JsonLines.LoadAverage() });
        if (table is not null) BenchTable.Write(table, backend.Name, records, roofs);
        return 0;
    }

    /// <summary>
    /// Times T instances of <paramref name="row"/> at Batch/T on T threads. On a CPU (<paramref name="paired"/>)
    /// the applicable roof's workload is timed in alternation with the row, so that both see the same
    /// contention on a shared machine; a GPU is not shared, and its best roofs are used.
    /// </summary>
    private static BenchRecord Measure(KernelCase row, IComputeBackend backend, int threads, Roofs roofs, TimingBudget budget, bool paired)
    {
        var builders = new List<CaseBuilder>();
        try
        {
            var parts = new List<Action>();
            var work = new CaseWork(0, 0);
            for (int t = 0; t < threads; t++)
            {
                var (_, batch) = RowPartition.Chunk(row.Batch, threads, t);
                var builder = new CaseBuilder(backend, ConformanceCheck.Seed(row.Name) + t);
                builders.Add(builder);
                parts.Add(row.Setup(builder, batch).Invoke);
                work += row.Work(batch);
            }
            // The bandwidth roof is the triad at the working set of one thread's instance (its tensors).
            long footprint = builders.Max(b => b.AllocatedBytes);
            double fma = roofs.FmaPeak(threads), bandwidth = roofs.Bandwidth(threads, footprint);
            bool compute = work.Intensity >= fma / bandwidth;
            if (!paired)
            {
                double alone = CaseTimer.MedianSeconds(parts, backend.Synchronize, budget);
                return new BenchRecord(row, backend.Name, threads, alone, work, footprint, fma, bandwidth, compute ? fma : bandwidth);
            }
            var roof = compute ? roofs.FmaWork(threads) : roofs.TriadWork(threads, footprint);
            var (seconds, roofSeconds) = CaseTimer.PairedMedianSeconds(parts, backend.Synchronize, roof, budget);
            return new BenchRecord(row, backend.Name, threads, seconds, work, footprint, fma, bandwidth, roof.WorkPerCall / roofSeconds / 1e9);
        }
        finally
        {
            foreach (var b in builders) b.Dispose();
        }
    }
}
