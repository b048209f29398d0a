using DpSynth.Kernels.Tests.Gpu;

namespace DpSynth.Kernels.Tests.Conformance;

// One line per backend (see ConformanceTargets for what each runs). The simulator suites share one
// accelerator's worker threads and run one at a time.

[ConformanceTarget("simd"), Trait("Backend", "simd")] public sealed class SimdConformance : ConformanceSuite;

[ConformanceTarget("ilgpu-cpu"), Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)] public sealed class IlgpuCpuConformance : ConformanceSuite;

[ConformanceTarget("ilgpu-cpu-gpu-shape"), Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)] public sealed class IlgpuCpuGpuShapeConformance : ConformanceSuite;

[ConformanceTarget("cuda"), Trait("Backend", "cuda")] public sealed class CudaConformance : ConformanceSuite;
