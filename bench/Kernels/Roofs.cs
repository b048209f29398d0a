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
/// The two roofs of the roofline, measured in the same run as the rows they judge: the FMA peak and
/// the triad bandwidth at the row's working-set size (so an L2-resident row is compared with L2
/// bandwidth and a DRAM-sized one with DRAM bandwidth). Both are best-of-several rates, the most the
/// machine delivered, so contention from other processes lowers a row's fraction rather than raising
/// it. Results are cached per threads and size.
/// </summary>
internal abstract class Roofs : IDisposable
{
    private readonly Dictionary<int, double> _peaks = [];
    private readonly Dictionary<(int, long), double> _bandwidths = [];

    /// <summary>Every measurement made so far.</summary>
    public List<RoofMeasurement> Measurements { get; } = [];

    /// <summary>Peak GFLOP/s of fused multiply-adds on <paramref name="threads"/> threads.</summary>
    public double FmaPeak(int threads)
    {
        if (!_peaks.TryGetValue(threads, out double peak))
        {
            _peaks[threads] = peak = MeasureFmaPeak(threads);
            Measurements.Add(new("fma-peak", threads, 0, peak));
        }
        return peak;
    }

    /// <summary>Triad GB/s with <paramref name="threads"/> threads each with a working set of about <paramref name="footprintPerThread"/> bytes.</summary>
    public double Bandwidth(int threads, double footprintPerThread)
    {
        long footprint = Bucket(footprintPerThread);
        if (!_bandwidths.TryGetValue((threads, footprint), out double gbps))
        {
            _bandwidths[(threads, footprint)] = gbps = MeasureTriad(threads, footprint);
            Measurements.Add(new("triad", threads, footprint, gbps));
        }
        return gbps;
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

    protected abstract double MeasureFmaPeak(int threads);

    protected abstract double MeasureTriad(int threads, long footprintBytes);

    /// <inheritdoc />
    public virtual void Dispose() { }
}

/// <summary>CPU roofs: <see cref="FmaPeak"/> and <see cref="Triad"/> on host threads.</summary>
internal sealed class CpuRoofs : Roofs
{
    protected override double MeasureFmaPeak(int threads) => DpSynth.Bench.Kernels.FmaPeak.Measure(threads);

    protected override double MeasureTriad(int threads, long footprintBytes)
    {
        var triads = Enumerable.Range(0, threads).Select(_ => new Triad(footprintBytes)).ToList();
        try
        {
            double seconds = CaseTimer.BestSeconds(triads.Select(t => (Action)t.Run).ToList(), () => { }, new(0.05, 0.02, 7));
            return triads.Sum(t => t.Bytes) / seconds / 1e9;
        }
        finally
        {
            foreach (var t in triads) t.Dispose();
        }
    }
}

/// <summary>GPU roofs: <see cref="DeviceRoofKernels"/> on the backend's accelerator (one stream, so threads is always 1).</summary>
internal sealed class DeviceRoofs(IlgpuBackend backend) : Roofs
{
    private readonly Accelerator _accelerator = backend.Accelerator;

    private int GroupSize => Math.Min(256, _accelerator.MaxNumThreadsPerGroup);

    private int ResidentGroups => Math.Max(1, _accelerator.NumMultiprocessors * Math.Max(1, _accelerator.MaxNumThreadsPerMultiprocessor / GroupSize));

    protected override double MeasureFmaPeak(int threads)
    {
        var kernel = _accelerator.LoadStreamKernel<ArrayView<float>, int, float, float>(DeviceRoofKernels.FmaChains);
        var config = new KernelConfig(ResidentGroups * 2, GroupSize);
        using var sink = _accelerator.Allocate1D<float>(config.Size);
        int iterations = 64;
        double seconds;
        // Grow the loop until one launch takes a few milliseconds, so launch overhead does not count.
        while (true)
        {
            int n = iterations;
            seconds = CaseTimer.BestSeconds([() => kernel(config, sink.View, n, 0.9999999f, 1e-7f)], _accelerator.Synchronize, new(0.01, 0.005, 3));
            if (seconds > 2e-3 || iterations >= 1 << 24) break;
            iterations *= 8;
        }
        return (double)config.Size * iterations * DeviceRoofKernels.FlopsPerIteration / seconds / 1e9;
    }

    protected override double MeasureTriad(int threads, long footprintBytes)
    {
        var kernel = _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(DeviceRoofKernels.Triad);
        int n = (int)Math.Max(1024, footprintBytes / 12);
        using var a = _accelerator.Allocate1D<float>(n);
        using var b = _accelerator.Allocate1D<float>(n);
        using var c = _accelerator.Allocate1D<float>(n);
        b.MemSetToZero();
        c.MemSetToZero();
        var config = new KernelConfig((int)Math.Clamp((n + GroupSize - 1L) / GroupSize, 1, ResidentGroups * 4), GroupSize);
        double seconds = CaseTimer.BestSeconds([() => kernel(config, a.View, b.View, c.View, n, 0.5f)], _accelerator.Synchronize, new(0.02, 0.01, 7));
        return 12.0 * n / seconds / 1e9;
    }
}
