using DpSynth.Kernels;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// One benchmark case: what it runs, on what shape, and how much work a call does, so that both the
/// quick JSON mode and the BenchmarkDotNet column can turn a time into GFLOP/s or GB/s.
/// </summary>
/// <param name="Family">"gemm", "elementwise", "norms" or "noise".</param>
/// <param name="Op">The op label printed as "op".</param>
/// <param name="M">Rows of the output (GEMM) or of the tensor.</param>
/// <param name="N">Columns of the output or of the tensor.</param>
/// <param name="K">GEMM inner dimension (0 for other ops).</param>
/// <param name="Threads">Worker threads (GEMM only splits rows; other ops run on one core).</param>
/// <param name="Flops">Floating-point operations per call (0 when the op is memory-bound).</param>
/// <param name="Bytes">Bytes read plus written per call.</param>
/// <param name="Elements">Elements produced per call (for the noise rate).</param>
/// <param name="Prepare">Allocates the operands on a backend and returns the call to time.</param>
internal sealed record KernelCase(string Family, string Op, int M, int N, int K, int Threads, double Flops, double Bytes,
    double Elements, Func<IComputeBackend, Action> Prepare)
{
    /// <summary>Transpose flags (GEMM only).</summary>
    public bool TransposeA { get; init; }

    /// <summary>Transpose flags (GEMM only).</summary>
    public bool TransposeB { get; init; }

    /// <summary>Fused epilogue label (GEMM only), e.g. "bias+silu".</summary>
    public string Epilogue { get; init; } = "none";

    /// <summary>A unique, readable name, used as the BenchmarkDotNet parameter value.</summary>
    public string Name => Family == "gemm"
        ? $"{Op} {M}x{N}x{K} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}{(Epilogue == "none" ? "" : " " + Epilogue)} t{Threads}"
        : $"{Op} {M}x{N}";
}
