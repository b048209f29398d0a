using System.CommandLine;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DpSynth.Kernels;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth demo`: the README's main job. Until the generators land it is a kernel self-check:
/// it picks the backend, prints the CPU features the SIMD kernels use, and checks every backend
/// kind against the scalar reference on the shapes of a small DP-SGD step.
/// </summary>
internal static class DemoCommand
{
    private const string Description = """
        Run DpSynth's demo: choose a compute backend, print the hardware it will use, and check
        its kernels against the scalar reference on the shapes of a small DP-SGD step.

        Examples:
          dpsynth demo
          dpsynth demo --device cpu
        """;

    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("demo", Description) { device };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string name = parse.GetValue(device)!;
            using var backend = BackendFactory.Create(name);
            output.WriteLine($"backend: {backend.Name} (device '{name}'{(name == "auto" ? $" resolved to '{BackendFactory.ResolveAuto()}'" : "")})");
            output.WriteLine($"cpu: {Environment.ProcessorCount} logical cores; {CpuFeatures()}");
            var results = KernelSelfCheck.Run(backend);
            foreach (var r in results)
                output.WriteLine($"  {(r.Passed ? "ok  " : "FAIL")} {r.Op,-58} max |Δ| = {r.MaxError:G3} (tolerance {r.Tolerance:G3})");
            bool ok = results.All(r => r.Passed);
            output.WriteLine(ok ? "self-check passed" : "self-check FAILED");
            return ok ? 0 : 1;
        });
        return command;
    }

    private static string CpuFeatures()
    {
        var features = new List<string>();
        if (Avx512F.IsSupported) features.Add("AVX-512F");
        if (Avx512BW.IsSupported) features.Add("AVX-512BW");
        if (Avx2.IsSupported) features.Add("AVX2");
        if (Fma.IsSupported) features.Add("FMA");
        string width = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : "scalar";
        return $"{string.Join(", ", features)}; SIMD kernels use {width} vectors";
    }
}
