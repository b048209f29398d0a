using System.Reflection;
using DpSynth.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>
/// Compiles every kernel to PTX with ILGPU's CUDA backend — no GPU needed. The CPU simulator runs the
/// kernels as .NET code, so it would not notice a construct ILGPU cannot translate for a GPU (such as
/// MathF.FusedMultiplyAdd, which ILGPU 1.5 leaves as a call to an undefined function); this does.
/// It also checks that the noise kernel's arithmetic lowers to IEEE-rounded instructions (div.rn,
/// sqrt.rn, round-to-nearest double adds) and nothing approximate, which the bit-identity contract needs.
/// </summary>
[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class PtxCompilationTests
{
    private static IEnumerable<MethodInfo> KernelEntryPoints()
        => typeof(GemmKernels).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GemmKernels).Namespace && t.IsAbstract && t.IsSealed) // static classes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void) && m.GetParameters().Length > 0
                        && m.GetParameters()[0].ParameterType.IsGenericType
                        && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>));

    private static string CompileToPtx(Context context, PTXBackend backend, MethodInfo kernel)
    {
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    [Fact]
    public void EveryKernelCompilesToPtx()
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms().Math(MathMode.Default));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_70, null!);
        var kernels = KernelEntryPoints().ToList();
        Assert.True(kernels.Count >= 25, $"found only {kernels.Count} kernels");
        var failures = new List<string>();
        foreach (var kernel in kernels)
        {
            try
            {
                string ptx = CompileToPtx(context, backend, kernel);
                Assert.Contains(".entry", ptx);
                // An .extern function is a .NET method ILGPU could not translate; the CUDA driver would
                // refuse to link it when the kernel is loaded.
                Assert.DoesNotContain(".extern", ptx);
            }
            catch (Exception e)
            {
                failures.Add($"{kernel.DeclaringType!.Name}.{kernel.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void NoiseKernelUsesOnlyCorrectlyRoundedArithmetic()
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms().Math(MathMode.Default));
        using var backend = new PTXBackend(context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_70, null!);
        string ptx = CompileToPtx(context, backend, typeof(NoiseKernels).GetMethod(nameof(NoiseKernels.AddGaussian))!);
        Assert.Contains("div.rn.f32", ptx);
        Assert.Contains("sqrt.rn.f32", ptx);
        Assert.DoesNotContain(".approx", ptx);
        Assert.DoesNotContain(".ftz", ptx);
    }
}
