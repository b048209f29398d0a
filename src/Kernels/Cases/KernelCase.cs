namespace DpSynth.Kernels.Cases;

/// <summary>
/// Which backends a row is cheap enough for. Each tier includes the ones before it: the ILGPU CPU
/// simulator runs <see cref="Tiny"/> rows only, the SIMD backend's unit tests run up to
/// <see cref="Network"/>, a GPU (and the benchmarks) run everything.
/// </summary>
internal enum CaseTier
{
    /// <summary>Sizes up to 33: cheap enough for the ILGPU CPU simulator (hundreds of times slower than plain C#).</summary>
    Tiny,

    /// <summary>The awkward sizes 1, 7, 33, 257 (vector-width misfits, one past 256).</summary>
    Awkward,

    /// <summary>The reference network (MLP 108→256→256→108) at batch 1024.</summary>
    Network,

    /// <summary>The reference network at batch 16,384: for GPUs and benchmarks, too slow for the scalar reference in unit tests.</summary>
    NetworkLarge,
}

/// <summary>Work of one call: floating-point operations and bytes read plus written (each operand once).</summary>
/// <param name="Flops">Arithmetic operations; an exp, log, tanh, sqrt or division counts as one.</param>
/// <param name="Bytes">Compulsory traffic: every input read once, every output written once (read too when updated in place).</param>
internal readonly record struct CaseWork(double Flops, double Bytes)
{
    /// <summary>FLOPs per byte, the roofline's x axis.</summary>
    public double Intensity => Bytes > 0 ? Flops / Bytes : double.PositiveInfinity;

    /// <summary>Element-wise sum, for a call split into independent parts.</summary>
    public static CaseWork operator +(CaseWork a, CaseWork b) => new(a.Flops + b.Flops, a.Bytes + b.Bytes);
}

/// <summary>
/// One row of the kernel case table (ggml test-backend-ops style): an op of
/// <see cref="IComputeBackend"/> on one shape with one set of parameters, how close a backend must
/// come to the scalar reference, and how much work a call does. The same row drives the conformance
/// tests on every backend, the GPU check and the benchmarks.
/// </summary>
/// <param name="Family">Op family, the folder under <c>Ops/</c> in lower case ("gemm", "layernorm", …).</param>
/// <param name="Op">The <see cref="IComputeBackend"/> method.</param>
/// <param name="Shape">Shape text at the full <paramref name="Batch"/>, e.g. "1024x256" or "1024x256x108".</param>
/// <param name="Parameters">Everything else that distinguishes the row ("" when nothing does).</param>
/// <param name="Tier">Which backends run it (see <see cref="CaseTier"/>).</param>
/// <param name="Tolerance">How far from the reference each output may be.</param>
/// <param name="Batch">The dimension that scales with the work, usually the minibatch rows.</param>
/// <param name="Work">FLOPs and bytes of one call at a given batch.</param>
/// <param name="Setup">Allocates and fills the operands at a given batch and returns the call.</param>
internal sealed record KernelCase(string Family, string Op, string Shape, string Parameters, CaseTier Tier, CaseTolerance Tolerance,
    int Batch, Func<int, CaseWork> Work, Func<CaseBuilder, int, CaseRun> Setup)
{
    /// <summary>Unique name: op, shape and parameters.</summary>
    public string Name => Parameters.Length == 0 ? $"{Op} {Shape}" : $"{Op} {Shape} {Parameters}";

    /// <summary>Calls made before the conformance comparison (several for stateful ops such as optimiser steps).</summary>
    public int Calls { get; init; } = 1;

    /// <summary>
    /// Whether independent instances at Batch/T can stand for a T-core run: true for ops whose work is
    /// a sum over the batch, as when a DP-SGD step gives each core its own slice of the minibatch.
    /// </summary>
    public bool Splittable { get; init; } = true;

    /// <summary>Work of one call at the full batch.</summary>
    public CaseWork FullWork => Work(Batch);

    /// <inheritdoc />
    public override string ToString() => Name;
}
