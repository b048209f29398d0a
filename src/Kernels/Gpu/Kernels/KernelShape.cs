namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Launch shapes. The kernels read their group size and warp size at run time (Group.DimX,
/// Warp.WarpSize), so one kernel serves both the GPU shape and the simulator's smaller one; shared
/// arrays are sized for the largest group.
/// </summary>
internal static class KernelShape
{
    /// <summary>
    /// Threads per group on a GPU: 8 warps of 32, enough to hide latency, small enough that a 64×64
    /// GEMM tile maps to 4×4 outputs per thread.
    /// </summary>
    public const int GpuGroupSize = 256;

    /// <summary>GEMM threads per tile side on a GPU: 16×16 threads × 4×4 outputs = a 64×64 tile.</summary>
    public const int GpuGemmThreadsPerSide = 16;

    /// <summary>The largest group any kernel is launched with (sizes the shared arrays).</summary>
    public const int MaxGroupSize = 256;

    /// <summary>
    /// Threads per group on ILGPU's CPU simulator: 4 warps of 8. Every simulated thread is an OS thread
    /// and every barrier waits for all of them, so small groups keep the simulator usable on a 2-core
    /// machine while still exercising multi-warp reductions.
    /// </summary>
    public const int SimulatorGroupSize = 32;

    /// <summary>The simulator's warp width.</summary>
    public const int SimulatorWarpSize = 8;

    /// <summary>GEMM threads per tile side on the simulator: 4×4 threads × 4×4 outputs = a 16×16 tile.</summary>
    public const int SimulatorGemmThreadsPerSide = 4;

    /// <summary>Columns owned by one group in column reductions (one 128-byte line per row); groups are multiples of it.</summary>
    public const int ColumnTile = 32;
}
