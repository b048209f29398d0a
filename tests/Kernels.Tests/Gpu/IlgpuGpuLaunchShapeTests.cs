using DpSynth.Kernels.Gpu;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels.Tests.Gpu;

/// <summary>
/// The conformance classes run the kernels on the simulator with small groups (32 threads in 8-wide
/// warps, 16×16 GEMM tiles) to stay fast. These few cases run them with exactly the GPU launch shape —
/// 256-thread groups of 32-wide warps, 64×64 GEMM tiles — on shapes that cross tile and group edges.
/// </summary>
[Trait("Backend", "ilgpu-cpu"), Collection(IlgpuSimulatorCollection.Name)]
public sealed class IlgpuGpuLaunchShapeTests : IDisposable
{
    private readonly IlgpuBackend _gpuShaped = IlgpuBackend.CreateCpuSimulatorWithGpuLaunchShape();
    private readonly ReferenceBackend _reference = new();

    [Fact]
    public void GemmWithTwoTilesPerDimensionMatchesReference()
    {
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            const int m = 70, n = 65, k = 67;
            var a = Data((ta ? k : m) * (ta ? m : k), 1);
            var b = Data((tb ? n : k) * (tb ? k : n), 2);
            var bias = Data(n, 3);
            var c = Data(m * n, 4);
            float[] Run(IComputeBackend be)
            {
                var ct = Make(be, m, n, c);
                be.Gemm(Make(be, ta ? k : m, ta ? m : k, a), ta, Make(be, tb ? n : k, tb ? k : n, b), tb, ct, 0.5f, 0.25f,
                    new GemmEpilogue(Make(be, 1, n, bias), Activation.Gelu));
                return Read(be, ct);
            }
            AssertClose(Run(_reference), Run(_gpuShaped), 2e-4f, $"GEMM {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')}");
        }
    }

    [Fact]
    public void RowReductionsMatchReference()
    {
        const int rows = 3, cols = 300;
        var x = Data(rows * cols, 5);
        float[] Norms(IComputeBackend be)
        {
            var norms = be.Allocate(rows, 1);
            be.RowSquaredNorms(Make(be, rows, cols, x), norms);
            return Read(be, norms);
        }
        AssertClose(Norms(_reference), Norms(_gpuShaped), 1e-4f, "RowSquaredNorms");

        var spans = new ColumnSpans([(0, 7), (10, 260)]);
        float[] Softmax(IComputeBackend be)
        {
            var y = be.Allocate(rows, cols);
            be.Softmax(Make(be, rows, cols, x), y, spans, log: true);
            return Read(be, y);
        }
        AssertClose(Softmax(_reference), Softmax(_gpuShaped), 1e-5f, "log-softmax");

        var gamma = Data(cols, 6);
        float[] LayerNorm(IComputeBackend be)
        {
            var y = be.Allocate(rows, cols);
            be.LayerNormForward(Make(be, rows, cols, x), Make(be, 1, cols, gamma), Make(be, 1, cols, gamma), y, be.Allocate(rows, 1), be.Allocate(rows, 1));
            return Read(be, y);
        }
        AssertClose(LayerNorm(_reference), LayerNorm(_gpuShaped), 1e-4f, "LayerNormForward");

        float[] BiasGradient(IComputeBackend be)
        {
            var db = be.Allocate(1, 40);
            be.BiasGradient(Make(be, 70, 40, Data(70 * 40, 7)), db);
            return Read(be, db);
        }
        AssertClose(BiasGradient(_reference), BiasGradient(_gpuShaped), 1e-4f, "BiasGradient");
    }

    [Fact]
    public void NoiseIsBitIdentical() => IlgpuNoiseTests.AssertBitIdentical(_gpuShaped, NoiseKey.FromSeed(3), 100, 700, 1.5f);

    private static float[] Data(int length, int seed)
    {
        var rng = new System.Random(seed);
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    private static Tensor Make(IComputeBackend backend, int rows, int cols, float[] data)
    {
        var t = backend.Allocate(rows, cols);
        backend.Upload(data, t);
        return t;
    }

    private static float[] Read(IComputeBackend backend, Tensor t)
    {
        var data = new float[t.Length];
        backend.Download(t, data);
        return data;
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= tolerance * (1 + MathF.Abs(expected[i])),
                $"{what}: element {i} is {actual[i]}, reference {expected[i]}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _gpuShaped.Dispose();
        _reference.Dispose();
    }
}
