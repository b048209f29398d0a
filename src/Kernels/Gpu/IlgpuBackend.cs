using System.Runtime.CompilerServices;
using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

// ILGPU's CPU accelerator emits a dynamic assembly that reads the kernels' internal argument structs.
[assembly: InternalsVisibleTo("ILGPURuntime")]

namespace DpSynth.Kernels.Gpu;

/// <summary>
/// The op set as hand-written ILGPU kernels (each family's kernels are in <c>Ops/&lt;Family&gt;/</c>), on a
/// CUDA or OpenCL GPU or on ILGPU's CPU simulator (for testing the same kernels without a GPU — hundreds of times slower than
/// the SIMD backend, so never for real work). Ops are queued on the accelerator's default stream and
/// return immediately; <see cref="Download"/> and the ops that return a value wait for the stream.
/// Each kernel is compiled on first use and its launcher kept; device buffers are allocated by
/// <see cref="Allocate"/> and by a scratch that only ever grows, so a training step allocates nothing.
/// Host↔device copies happen only in <see cref="Upload"/>, <see cref="Download"/>, the one float a
/// loss or power iteration returns, and the first use of a <see cref="ColumnSpans"/>.
/// </summary>
public sealed partial class IlgpuBackend : IComputeBackend
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly int _maxGroups;
    private readonly int _groupSize;
    private readonly int _gemmThreadsPerSide;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _results;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _placeholder;
    private readonly ConditionalWeakTable<ColumnSpans, MemoryBuffer1D<int, Stride1D.Dense>> _spans = new();
    private readonly List<DeviceStorage> _allocations = [];
    private readonly bool _ownsAccelerator;
    private MemoryBuffer1D<float, Stride1D.Dense>? _scratch;
    private bool _disposed;

    private IlgpuBackend(Context context, Accelerator accelerator, string name, LaunchShape shape, bool ownsAccelerator = true)
    {
        _context = context;
        _accelerator = accelerator;
        _ownsAccelerator = ownsAccelerator;
        _stream = accelerator.DefaultStream;
        Name = name;
        _groupSize = shape.GroupSize;
        _gemmThreadsPerSide = shape.GemmThreadsPerSide;
        int needed = Math.Max(_groupSize, _gemmThreadsPerSide * _gemmThreadsPerSide);
        if (accelerator.MaxNumThreadsPerGroup < needed)
            throw new NotSupportedException($"Accelerator '{accelerator.Name}' allows {accelerator.MaxNumThreadsPerGroup} threads per group; DpSynth's kernels need {needed}.");
        // A few waves of resident groups: enough to fill the device, few enough that grid-stride loops
        // amortise each thread's index set-up.
        _maxGroups = Math.Max(1, accelerator.NumMultiprocessors * Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / _groupSize) * 4);
        _results = accelerator.Allocate1D<float>(4);
        _placeholder = accelerator.Allocate1D<float>(1);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    /// <remarks>One: the accelerator stream and the span-buffer cache are not safe to share across threads (the first fit on a real GPU failed with 16 workers racing here).</remarks>
    public int MaxConcurrentCallers => 1;

    /// <summary>The accelerator's name, e.g. "NVIDIA H100 80GB HBM3" or "CPUAccelerator".</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>The accelerator, for the benchmarks' device roofs (FMA peak and triad bandwidth kernels).</summary>
    internal Accelerator Accelerator => _accelerator;

    /// <summary>
    /// ILGPU's CPU accelerator in parallel mode, configured as one multiprocessor of 4 warps × 8 threads:
    /// the kernels run with 32-thread groups (GEMM with 4×4-thread, 16×16 tiles) because each simulated
    /// thread is an OS thread. Kernel bounds assertions are on: the simulator exists to catch kernel bugs.
    /// </summary>
    public static IlgpuBackend CreateCpuSimulator()
    {
        var (context, accelerator) = CreateSimulatorAccelerator(SimulatorShape);
        return new IlgpuBackend(context, accelerator, "ilgpu-cpu", SimulatorShape);
    }

    /// <summary>
    /// The simulator configured exactly like an NVIDIA GPU launch — 256-thread groups of 32-wide warps,
    /// 64×64 GEMM tiles — to check that shape too. Much slower than <see cref="CreateCpuSimulator"/>.
    /// </summary>
    internal static IlgpuBackend CreateCpuSimulatorWithGpuLaunchShape()
    {
        var (context, accelerator) = CreateSimulatorAccelerator(GpuShape);
        return new IlgpuBackend(context, accelerator, "ilgpu-cpu", GpuShape);
    }

    /// <summary>
    /// A backend on one process-wide simulator accelerator, for test suites that create a backend per
    /// test: the accelerator's 256 worker threads and its compiled-kernel cache are made once. Disposing
    /// the backend frees its buffers, not the accelerator. Callers must not launch from two threads at once.
    /// </summary>
    internal static IlgpuBackend CreateOnSharedCpuSimulator()
    {
        var (context, accelerator) = SharedSimulator.Value;
        return new IlgpuBackend(context, accelerator, "ilgpu-cpu", SimulatorShape, ownsAccelerator: false);
    }

    /// <summary>Threads per group, warp width and GEMM threads per tile side of a launch configuration.</summary>
    private readonly record struct LaunchShape(int GroupSize, int WarpSize, int GemmThreadsPerSide);

    private static readonly LaunchShape GpuShape = new(KernelShape.GpuGroupSize, 32, KernelShape.GpuGemmThreadsPerSide);
    private static readonly LaunchShape SimulatorShape = new(KernelShape.SimulatorGroupSize, KernelShape.SimulatorWarpSize, KernelShape.SimulatorGemmThreadsPerSide);
    private static readonly Lazy<(Context, Accelerator)> SharedSimulator = new(() => CreateSimulatorAccelerator(SimulatorShape));

    private static (Context, Accelerator) CreateSimulatorAccelerator(LaunchShape shape)
    {
        var device = new CPUDevice(numThreadsPerWarp: shape.WarpSize, numWarpsPerMultiprocessor: shape.GroupSize / shape.WarpSize, numMultiprocessors: 1);
        var context = Context.Create(builder => builder.CPU(device).EnableAlgorithms().Math(MathMode.Default).Assertions());
        try
        {
            return (context, device.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>A backend on CUDA device <paramref name="index"/>; throws <see cref="InvalidOperationException"/> if there is none.</summary>
    public static IlgpuBackend CreateCuda(int index = 0)
    {
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms().Math(MathMode.Default).Optimize(OptimizationLevel.O2));
        try
        {
            var devices = context.GetCudaDevices();
            if (index < 0 || index >= devices.Count)
                throw new InvalidOperationException($"No CUDA device {index}: {devices.Count} CUDA device(s) found.");
            return new IlgpuBackend(context, devices[index].CreateAccelerator(context), "cuda", GpuShape);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>A backend on OpenCL device <paramref name="index"/>; throws <see cref="InvalidOperationException"/> if there is none.</summary>
    public static IlgpuBackend CreateOpenCL(int index = 0)
    {
        var context = Context.Create(builder => builder.OpenCL().EnableAlgorithms().Math(MathMode.Default).Optimize(OptimizationLevel.O2));
        try
        {
            var devices = context.GetCLDevices();
            if (index < 0 || index >= devices.Count)
                throw new InvalidOperationException($"No OpenCL device {index}: {devices.Count} OpenCL device(s) found.");
            return new IlgpuBackend(context, devices[index].CreateAccelerator(context), "opencl", GpuShape);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Tensor Allocate(int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Cannot allocate a {rows}×{cols} tensor.");
        ObjectDisposedException.ThrowIf(_disposed, this);
        var storage = new DeviceStorage(this, _accelerator, checked(rows * cols));
        _allocations.Add(storage);
        return storage.View(rows, cols);
    }

    /// <summary>Called by a disposed <see cref="DeviceStorage"/> so that the backend stops tracking it.</summary>
    internal void Released(DeviceStorage storage)
    {
        if (!_disposed) _allocations.Remove(storage);
    }

    /// <inheritdoc />
    public void Upload(ReadOnlySpan<float> src, Tensor dst)
    {
        ShapeCheck.Owned(this, nameof(Upload), dst);
        ShapeCheck.SameLength(src.Length, dst, nameof(Upload));
        if (src.Length == 0) return;
        DeviceStorage.ViewOf(dst).CopyFromCPU(_stream, src);
    }

    /// <inheritdoc />
    public void Download(Tensor src, Span<float> dst)
    {
        ShapeCheck.Owned(this, nameof(Download), src);
        ShapeCheck.SameLength(dst.Length, src, nameof(Download));
        if (dst.Length == 0) return;
        DeviceStorage.ViewOf(src).CopyToCPU(_stream, dst);
        _stream.Synchronize();
    }

    /// <inheritdoc />
    public void Copy(Tensor src, Tensor dst)
    {
        ShapeCheck.Owned(this, nameof(Copy), src, dst);
        ShapeCheck.SameLength(src, dst, nameof(Copy));
        if (src.Length == 0) return;
        _copy ??= _accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.Copy);
        _copy(Spread(src.Length), View(src), View(dst), src.Length);
    }

    /// <inheritdoc />
    public void Fill(Tensor x, float value)
    {
        ShapeCheck.Owned(this, nameof(Fill), x);
        if (x.Length == 0) return;
        _fill ??= _accelerator.LoadStreamKernel<ArrayView<float>, int, float>(ElementwiseKernels.Fill);
        _fill(Spread(x.Length), View(x), x.Length, value);
    }

    /// <inheritdoc />
    public void Synchronize() => _stream.Synchronize();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _stream.Synchronize();
        _disposed = true;
        foreach (var storage in _allocations) storage.Dispose();
        foreach (var entry in _spans) entry.Value.Dispose();
        _scratch?.Dispose();
        _results.Dispose();
        _placeholder.Dispose();
        if (!_ownsAccelerator) return;
        _accelerator.Dispose();
        _context.Dispose();
    }

    // ---- launch helpers ------------------------------------------------------------------------

    /// <summary>
    /// A tensor's device view; an absent or empty tensor becomes a one-float placeholder that the
    /// kernel is told (by a flag or a zero extent) never to touch.
    /// </summary>
    private ArrayView<float> View(Tensor? t) => t is null || t.Length == 0 ? _placeholder.View : DeviceStorage.ViewOf(t);

    /// <summary>A grid-stride launch over <paramref name="work"/> items.</summary>
    private KernelConfig Spread(long work)
        => new((int)Math.Clamp((work + _groupSize - 1) / _groupSize, 1, _maxGroups), _groupSize);

    /// <summary>One group per row (or per example, or per column tile).</summary>
    private KernelConfig GroupPer(int count) => new(count, _groupSize);

    /// <summary>Column tiles of <see cref="KernelShape.ColumnTile"/> columns covering a row of <paramref name="cols"/>.</summary>
    private static int ColumnTiles(int cols) => (cols + KernelShape.ColumnTile - 1) / KernelShape.ColumnTile;

    /// <summary>A device vector of at least <paramref name="length"/> floats, reused across calls.</summary>
    private ArrayView<float> Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            _scratch?.Dispose();
            _scratch = _accelerator.Allocate1D<float>(Math.Max(256, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length)));
        }
        return _scratch.View.SubView(0, length);
    }

    /// <summary>Waits for the stream and returns result slot <paramref name="slot"/> (the only device→host copy outside Download).</summary>
    private float ReadResult(int slot)
    {
        Span<float> value = stackalloc float[1];
        _results.View.SubView(slot, 1).CopyToCPU(_stream, value);
        _stream.Synchronize();
        return value[0];
    }

    /// <summary>The device copy of a span set (starts, then lengths), uploaded once per ColumnSpans object.</summary>
    private ArrayView<int> DeviceSpans(ColumnSpans spans)
    {
        if (!_spans.TryGetValue(spans, out var buffer))
        {
            var packed = new int[Math.Max(1, 2 * spans.Count)];
            spans.Starts.CopyTo(packed);
            spans.Lengths.CopyTo(packed.AsSpan(spans.Count));
            buffer = _accelerator.Allocate1D(packed);
            _spans.Add(spans, buffer);
        }
        return buffer.View;
    }
}
