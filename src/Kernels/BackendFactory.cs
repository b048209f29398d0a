using System.Runtime.Intrinsics;
using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;
using ILGPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace DpSynth.Kernels;

/// <summary>
/// The one place a backend is chosen from a device name (the CLI's and the benchmarks' --device):
/// <c>auto</c> (CUDA if a CUDA device is present, else SIMD), <c>cuda</c>, <c>opencl</c>, <c>cpu</c> or
/// <c>simd</c> (the vectorised CPU backend), <c>ilgpu-cpu</c> (the GPU kernels on ILGPU's CPU simulator —
/// for tests; very slow) and <c>reference</c> (scalar ground truth). A suffix <c>:N</c> picks device N
/// of a GPU kind, e.g. <c>cuda:1</c>.
/// </summary>
public static class BackendFactory
{
    /// <summary>The device names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> DeviceNames { get; } = ["auto", "cuda", "opencl", "cpu", "simd", "ilgpu-cpu", "reference"];

    /// <summary>Creates the backend for <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a device name.</exception>
    /// <exception cref="DeviceUnavailableException">The named GPU is not present or cannot be used here.</exception>
    public static IComputeBackend Create(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var (kind, index) = Parse(device);
        return kind switch
        {
            "auto" => Create(ResolveAuto()),
            "cuda" => Gpu(device, "CUDA", () => IlgpuBackend.CreateCuda(index)),
            "opencl" => Gpu(device, "OpenCL", () => IlgpuBackend.CreateOpenCL(index)),
            "cpu" or "simd" => new SimdBackend(),
            "ilgpu-cpu" => Gpu(device, "ILGPU CPU", IlgpuBackend.CreateCpuSimulator),
            _ => new ReferenceBackend(),
        };
    }

    // Whatever stops a GPU from starting (no driver, no device, an unsuitable one) is the user's machine, not a bug.
    private static IComputeBackend Gpu(string device, string runtime, Func<IComputeBackend> create)
    {
        if (!GpuKernelsCompile)
            throw new DeviceUnavailableException($"--device {device}: this dpsynth is a NativeAOT build, which cannot compile GPU kernels at run time; use --device cpu, or the standard build (dotnet tool or the single-file profile) for a GPU");
        try { return create(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string why = e is DllNotFoundException or TypeInitializationException ? $"no {runtime} driver is installed" : e.Message.TrimEnd('.');
            throw new DeviceUnavailableException($"--device {device}: this machine has no usable {runtime} device ({why}); use --device cpu, or auto to pick the best available", e);
        }
    }

    /// <summary>
    /// False in a NativeAOT build: ILGPU compiles its kernels with run-time code generation, so only
    /// the SIMD and reference backends exist there (the single-file and tool builds keep the JIT).
    /// </summary>
    public static bool GpuKernelsCompile => System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>The device name <c>auto</c> stands for on this machine: "cuda" when a CUDA device is present, else "simd".</summary>
    public static string ResolveAuto() => CudaDeviceCount() > 0 ? "cuda" : "simd";

    /// <summary>The number of CUDA devices ILGPU can see (0 when there is no driver).</summary>
    public static int CudaDeviceCount()
    {
        // Creating an ILGPU context costs a noticeable part of a short command's start-up; without
        // the driver library there can be no device, so look for it first.
        if (!GpuKernelsCompile || !CudaDriverPresent()) return 0;
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            return context.GetCudaDevices().Count;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return 0;
        }
    }

    private static bool CudaDriverPresent()
    {
        string name = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out var handle)) return false;
        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>
    /// Every device DpSynth could use: CUDA and OpenCL accelerators (name, memory, warp size, compute
    /// capability) followed by the CPU (vector width as its "warp").
    /// </summary>
    public static IReadOnlyList<DeviceInfo> ListDevices()
    {
        var devices = new List<DeviceInfo>();
        try
        {
            if (!GpuKernelsCompile) throw new NotSupportedException("a NativeAOT build uses no GPU");
            using var context = Context.Create(builder => builder.Cuda().OpenCL());
            var cuda = context.GetCudaDevices();
            for (int i = 0; i < cuda.Count; i++)
            {
                var d = cuda[i];
                string capability = d.Architecture is { } arch ? $"sm {arch.Major}.{arch.Minor}" : "sm ?";
                devices.Add(new DeviceInfo("cuda", i, d.Name, d.MemorySize, d.WarpSize, capability, d.NumMultiprocessors));
            }
            var cl = context.GetCLDevices();
            for (int i = 0; i < cl.Count; i++)
            {
                var d = cl[i];
                devices.Add(new DeviceInfo("opencl", i, d.Name, d.MemorySize, d.WarpSize, $"OpenCL {d.DeviceVersion}", d.NumMultiprocessors));
            }
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            // No GPU runtime on this machine: only the CPU is listed.
        }
        string isa = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar";
        devices.Add(new DeviceInfo("cpu", 0, $"CPU ({isa})", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            SimdBackend.VectorWidth, isa, Environment.ProcessorCount));
        return devices;
    }

    private static (string Kind, int Index) Parse(string device)
    {
        string name = device.Trim().ToLowerInvariant();
        int index = 0;
        int colon = name.IndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(name.AsSpan(colon + 1), out index) || index < 0) throw Unknown(device);
            name = name[..colon];
            if (name is not ("cuda" or "opencl")) throw Unknown(device);
        }
        if (!DeviceNames.Contains(name)) throw Unknown(device);
        return (name, index);
    }

    private static ArgumentException Unknown(string device)
        => new($"Unknown device '{device}'; valid devices are: {string.Join(", ", DeviceNames)} (cuda and opencl take an optional :N index).");
}
