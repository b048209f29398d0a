using DpSynth.Kernels.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace DpSynth.Bench.Kernels;

/// <summary>One roof measurement, for the JSON output.</summary>
/// <param name="Kind">"fma-peak" or "triad".</param>
/// <param name="Threads">Threads (CPU) or 1 (a GPU stream).</param>
/// <param name="FootprintBytes">Working set per thread of a triad (0 for the FMA peak).</param>
/// <param name="Value">GFLOP/s or GB/s.</param>
internal sealed record RoofMeasurement(string Kind, int Threads, double FootprintBytes, double Value);

/// <summary>
/// A roof's workload: one call per thread, and the work (FLOPs or bytes) one call of all of them does.
/// </summary>
internal sealed record RoofWork(IReadOnlyList<Action> Parts, double WorkPerCall, Action Synchronize);

/// <summary>
/// The two roofs of the roofline, measured in the same run as the rows they judge: the FMA peak and
/// the triad bandwidth at the row's working-set size (so an L2-resident row is compared with L2
/// bandwidth and a DRAM-sized one with DRAM bandwidth). The best-of-several rates (printed first, and
/// used for the ridge point) are the most the machine delivered; a row's own fraction uses the roof's
/// workload timed alongside it (see <see cref="CaseTimer.PairedMedianSeconds"/>).
/// </summary>
internal abstract class Roofs : IDisposable
{
    private readonly Dictionary<int, double> _peaks = [];
    private readonly Dictionary<(int, long), double> _bandwidths = [];
    private readonly Dictionary<int, RoofWork> _fmaWork = [];
    private readonly Dictionary<(int, long), RoofWork> _triadWork = [];

    /// <summary>Every best-of measurement made so far.</summary>
    public List<RoofMeasurement> Measurements { get; } = [];

    /// <summary>Best GFLOP/s of fused multiply-adds on <paramref name="threads"/> threads.</summary>
    public double FmaPeak(int threads)
    {
        if (!_peaks.TryGetValue(threads, out double peak))
        {
            var work = FmaWork(threads);
            _peaks[threads] = peak = work.WorkPerCall / CaseTimer.BestSeconds(work.Parts, work.Synchronize, new(0.1, 0.05, 7)) / 1e9;
            Measurements.Add(new("fma-peak", threads, 0, peak));
        }
        return peak;
    }

    /// <summary>Best triad GB/s with <paramref name="threads"/> threads each with a working set of about <paramref name="footprintPerThread"/> bytes.</summary>
    public double Bandwidth(int threads, double footprintPerThread)
    {
        long footprint = Bucket(footprintPerThread);
        if (!_bandwidths.TryGetValue((threads, footprint), out double gbps))
        {
            var work = TriadWork(threads, footprint);
            _bandwidths[(threads, footprint)] = gbps = work.WorkPerCall / CaseTimer.BestSeconds(work.Parts, work.Synchronize, new(0.05, 0.02, 7)) / 1e9;
            Measurements.Add(new("triad", threads, footprint, gbps));
        }
        return gbps;
    }

    /// <summary>The FMA workload on <paramref name="threads"/> threads (kept for the run).</summary>
    public RoofWork FmaWork(int threads)
    {
        if (!_fmaWork.TryGetValue(threads, out var work)) _fmaWork[threads] = work = CreateFmaWork(threads);
        return work;
    }

    /// <summary>The triad workload for a working set of about <paramref name="footprintPerThread"/> bytes per thread (kept for the run).</summary>
    public RoofWork TriadWork(int threads, double footprintPerThread)
    {
        long footprint = Bucket(footprintPerThread);
        if (!_triadWork.TryGetValue((threads, footprint), out var work)) _triadWork[(threads, footprint)] = work = CreateTriadWork(threads, footprint);
        return work;
    }

    /// <summary>
    /// The triad size used for a working set: the next of 16 KiB·√2^k (L1) up to 1 GiB (past any cache),
    /// so few triads run and none is more than √2 times the row's working set.
    /// </summary>
    public static long Bucket(double footprint)
    {
        double bucket = 16 << 10;
        while (bucket < footprint && bucket < 1L << 30) bucket *= Math.Sqrt(2);
        return (long)Math.Round(bucket / 64) * 64;
    }

    protected abstract RoofWork CreateFmaWork(int threads);

    protected abstract RoofWork CreateTriadWork(int threads, long footprintBytes);

    /// <summary>Resources of the workloads, freed with the roofs.</summary>
    protected List<IDisposable> Owned { get; } = [];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in Owned) d.Dispose();
        Owned.Clear();
    }
}

/// <summary>CPU roofs: <see cref="Kernels.FmaPeak"/> chains and <see cref="Triad"/> on host threads.</summary>
internal sealed class CpuRoofs : Roofs
{
    // About 50 µs a call at Zen 5's peak: short enough to size repetitions finely.
    private const long Iterations = 20_000;

    protected override RoofWork CreateFmaWork(int threads)
        => new(Enumerable.Range(0, threads).Select(_ => (Action)(() => Kernels.FmaPeak.Burst(Iterations))).ToList(),
            threads * Iterations * Kernels.FmaPeak.FlopsPerIteration, () => { });

    protected override RoofWork CreateTriadWork(int threads, long footprintBytes)
    {
        var triads = Enumerable.Range(0, threads).Select(_ => new Triad(footprintBytes)).ToList();
        Owned.AddRange(triads);
        return new(triads.Select(t => (Action)t.Run).ToList(), triads.Sum(t => t.Bytes), () => { });
    }
}

/// <summary>GPU roofs: <see cref="DeviceRoofKernels"/> on the backend's accelerator (one stream, so threads is always 1).</summary>
internal sealed class DeviceRoofs(IlgpuBackend backend) : Roofs
{
    private readonly Accelerator _accelerator = backend.Accelerator;

    private int GroupSize => Math.Min(256, _accelerator.MaxNumThreadsPerGroup);

    private int ResidentGroups => Math.Max(1, _accelerator.NumMultiprocessors * Math.Max(1, _accelerator.MaxNumThreadsPerMultiprocessor / GroupSize));

    protected override RoofWork CreateFmaWork(int threads)
    {
        var kernel = _accelerator.LoadStreamKernel<ArrayView<float>, int, float, float>(DeviceRoofKernels.FmaChains);
        var config = new KernelConfig(ResidentGroups * 2, GroupSize);
        var sink = _accelerator.Allocate1D<float>(config.Size);
        Owned.Add(sink);
        // Grow the loop until one launch takes a millisecond or more, so launch overhead does not count.
        int iterations = 64;
        while (iterations < 1 << 24)
        {
            int n = iterations;
            if (CaseTimer.MedianSeconds([() => kernel(config, sink.View, n, 0.9999999f, 1e-7f)], _accelerator.Synchronize, new(0, 0, 1)) > 1e-3) break;
            iterations *= 8;
        }
        return new([() => kernel(config, sink.View, iterations, 0.9999999f, 1e-7f)],
            (double)config.Size * iterations * DeviceRoofKernels.FlopsPerIteration, _accelerator.Synchronize);
    }

    protected override RoofWork CreateTriadWork(int threads, long footprintBytes)
    {
        var kernel = _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(DeviceRoofKernels.Triad);
        int n = (int)Math.Max(1024, footprintBytes / 12);
        var (a, b, c) = (_accelerator.Allocate1D<float>(n), _accelerator.Allocate1D<float>(n), _accelerator.Allocate1D<float>(n));
        Owned.AddRange([a, b, c]);
        b.MemSetToZero();
        c.MemSetToZero();
        var config = new KernelConfig((int)Math.Clamp((n + GroupSize - 1L) / GroupSize, 1, ResidentGroups * 4), GroupSize);
        return new([() => kernel(config, a.View, b.View, c.View, n, 0.5f)], 12.0 * n, _accelerator.Synchronize);
    }
}
