using DpSynth.Kernels;
using DpSynth.Kernels.Random;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// The benchmark table (ggml test-backend-ops style): every case is listed once and drives both
/// the quick JSON mode and the BenchmarkDotNet suites.
/// </summary>
/// <remarks>
/// Layer layout used by the models: weights are stored in×out, so a layer's forward is the plain
/// GEMM Y = X·W (+ bias, activation fused), the input gradient is dX = dY·Wᵀ (B transposed) and the
/// weight gradient is dW = Xᵀ·dY (A transposed, K = batch).
/// </remarks>
internal static class KernelCases
{
    /// <summary>Batch size of the reference configuration.</summary>
    public const int Batch = 1024;

    /// <summary>Layer widths of the reference MLP 108→256→256→108.</summary>
    public static readonly (int In, int Out)[] ReferenceLayers = [(108, 256), (256, 256), (256, 108)];

    private static readonly Activation[] Activations =
        [Activation.ReLU, Activation.LeakyReLU, Activation.SiLU, Activation.Gelu, Activation.Tanh, Activation.Sigmoid];

    /// <summary>All cases for <paramref name="device"/>; 2-thread GEMMs only where the backend has them.</summary>
    public static IReadOnlyList<KernelCase> All(bool parallelGemm)
    {
        var cases = new List<KernelCase>();
        int[] threadCounts = parallelGemm ? [1, 2] : [1];
        foreach (int threads in threadCounts)
        {
            // The headline shape, in all four transpose combinations.
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                cases.Add(Gemm("gemm", 1024, 256, 256, ta, tb, threads));
            foreach (var (fanIn, fanOut) in ReferenceLayers)
            {
                cases.Add(Gemm("gemm-fwd", Batch, fanOut, fanIn, false, false, threads, Activation.SiLU));
                cases.Add(Gemm("gemm-bwd-data", Batch, fanIn, fanOut, false, true, threads));
                cases.Add(Gemm("gemm-bwd-weight", fanIn, fanOut, Batch, true, false, threads));
            }
        }
        const int rows = Batch, cols = 256;
        foreach (var f in Activations)
        {
            cases.Add(Elementwise($"act-fwd-{Name(f)}", rows, cols, 8, b => { var x = Random(b, rows, cols, 1); var y = b.Allocate(rows, cols); return () => b.ActivationForward(f, x, y); }));
            cases.Add(Elementwise($"act-bwd-{Name(f)}", rows, cols, 16, b =>
            {
                var x = Random(b, rows, cols, 1); var y = b.Allocate(rows, cols); var dy = Random(b, rows, cols, 2); var dx = b.Allocate(rows, cols);
                b.ActivationForward(f, x, y);
                return () => b.ActivationBackward(f, x, y, dy, dx);
            }));
        }
        cases.Add(Elementwise("bias-add", rows, cols, 8, b => { var x = Random(b, rows, cols, 1); var bias = Random(b, 1, cols, 2); return () => b.AddBias(x, bias); }));
        cases.Add(Elementwise("bias-grad", rows, cols, 4, b => { var dy = Random(b, rows, cols, 1); var db = b.Allocate(1, cols); return () => b.BiasGradient(dy, db); }));
        cases.Add(new KernelCase("norms", "row-sq-norms", rows, cols, 0, 1, 2.0 * rows * cols, 4.0 * rows * cols, rows * cols, b =>
        {
            var x = Random(b, rows, cols, 1); var norms = b.Allocate(rows, 1);
            return () => b.RowSquaredNorms(x, norms);
        }));
        foreach (var (fanIn, fanOut) in ReferenceLayers)
            cases.Add(new KernelCase("norms", $"linear-per-example-sq-norms-{fanIn}x{fanOut}", rows, fanIn + fanOut, 0, 1,
                2.0 * rows * (fanIn + 2 * fanOut), 4.0 * rows * (fanIn + fanOut), rows, b =>
                {
                    var a = Random(b, rows, fanIn, 1); var delta = Random(b, rows, fanOut, 2); var norms = b.Allocate(rows, 1);
                    return () => b.LinearPerExampleSquaredNorms(a, delta, 1, true, norms);
                }));
        const int noise = 1 << 20;
        cases.Add(new KernelCase("noise", "gaussian-noise", 1, noise, 0, 1, 0, 8.0 * noise, noise, b =>
        {
            var x = b.Allocate(1, noise); var key = NoiseKey.FromSeed(42); ulong offset = 0;
            return () => { b.AddGaussianNoise(x, 1f, key, offset); offset += noise; };
        }));
        return cases;
    }

    /// <summary>The case called <paramref name="name"/> (cases are the same in every process).</summary>
    public static KernelCase Find(string name) => All(parallelGemm: true).First(c => c.Name == name);

    private static KernelCase Gemm(string op, int m, int n, int k, bool ta, bool tb, int threads, Activation act = Activation.None)
    {
        bool fused = act != Activation.None;
        return new KernelCase("gemm", op, m, n, k, threads, 2.0 * m * n * k, 4.0 * ((double)m * k + (double)k * n + 2.0 * m * n), m * n, backend =>
        {
            var a = Random(backend, ta ? k : m, ta ? m : k, 1);
            var b = Random(backend, tb ? n : k, tb ? k : n, 2);
            var c = backend.Allocate(m, n);
            var epilogue = fused ? new GemmEpilogue(Random(backend, 1, n, 3), act) : GemmEpilogue.None;
            if (threads == 1) return () => backend.Gemm(a, ta, b, tb, c, 1f, 0f, epilogue);
            var parallel = BenchDevices.ParallelGemm(backend) ?? throw new NotSupportedException($"{backend.Name} has no multi-threaded GEMM.");
            return () => parallel(a, ta, b, tb, c, 1f, 0f, epilogue, threads);
        })
        { TransposeA = ta, TransposeB = tb, Epilogue = fused ? $"bias+{Name(act)}" : "none" };
    }

    private static KernelCase Elementwise(string op, int rows, int cols, int bytesPerElement, Func<IComputeBackend, Action> prepare)
        => new("elementwise", op, rows, cols, 0, 1, 0, (double)bytesPerElement * rows * cols, (double)rows * cols, prepare);

    private static Tensor Random(IComputeBackend backend, int rows, int cols, int seed)
    {
        var rng = new System.Random(seed);
        var data = new float[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        var t = backend.Allocate(rows, cols);
        backend.Upload(data, t);
        return t;
    }

    private static string Name(Activation f) => f.ToString().ToLowerInvariant();
}
