namespace DpSynth.Kernels;

/// <summary>One compute device DpSynth can run on, as listed by <see cref="BackendFactory.ListDevices"/>.</summary>
/// <param name="Device">The device name to pass to <see cref="BackendFactory.Create"/> ("cuda", "opencl", "cpu").</param>
/// <param name="Index">The device's index among devices of its kind.</param>
/// <param name="Name">The vendor's name for the device.</param>
/// <param name="MemoryBytes">Device memory in bytes (for the CPU: the memory available to this process).</param>
/// <param name="WarpSize">Threads per warp (for the CPU: floats per SIMD vector).</param>
/// <param name="ComputeCapability">CUDA compute capability ("9.0"), OpenCL version, or the CPU's vector ISA.</param>
/// <param name="Multiprocessors">Streaming multiprocessors / compute units (for the CPU: logical cores).</param>
public sealed record DeviceInfo(string Device, int Index, string Name, long MemoryBytes, int WarpSize, string ComputeCapability, int Multiprocessors)
{
    /// <summary>One line for listings: "cuda:0  NVIDIA H100 — 79.6 GiB, warp 32, sm 9.0, 132 SMs".</summary>
    public override string ToString()
        => $"{Device}:{Index}  {Name} — {MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, warp {WarpSize}, {ComputeCapability}, {Multiprocessors} units";
}
