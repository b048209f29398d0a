using ILGPU;
using ILGPU.Backends.PTX;
using ILGPU.IR.Intrinsics;
using ILGPU.Runtime.Cuda;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>
/// Teaches ILGPU's CUDA backend MathF.FusedMultiplyAdd. ILGPU 1.5 has no intrinsic for it and would
/// emit a call to an undefined external function (which the driver refuses to link); registered here,
/// each call is redirected to an inline, correctly rounded <c>fma.rn.f32</c>. On the CPU simulator the
/// kernels run as .NET code and MathF.FusedMultiplyAdd is the hardware FMA — so the noise kernel can use
/// <see cref="Random.GaussianStream"/>'s own FMA-based methods and match it bit for bit on both.
/// </summary>
internal static class PtxFusedMultiplyAdd
{
    /// <summary>Registers the redirect on a context under construction.</summary>
    public static Context.Builder RegisterFusedMultiplyAdd(this Context.Builder builder)
    {
        var fma = typeof(MathF).GetMethod(nameof(MathF.FusedMultiplyAdd), [typeof(float), typeof(float), typeof(float)])!;
        builder.IntrinsicManager.RegisterMethod(fma, new PTXIntrinsic(typeof(PtxFusedMultiplyAdd), nameof(Fma), IntrinsicImplementationMode.Redirect));
        return builder;
    }

    /// <summary>a·b + c with a single rounding, as one PTX instruction (the redirect target).</summary>
    public static float Fma(float a, float b, float c)
    {
        CudaAsm.Emit("fma.rn.f32 %0, %1, %2, %3;", out float result, a, b, c);
        return result;
    }
}
