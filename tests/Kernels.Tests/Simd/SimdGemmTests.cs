using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Simd.Gemm;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Simd;

/// <summary>The GEMM conformance suite on the SIMD backend, plus its own paths: threads, AVX2, no allocation.</summary>
[Trait("Backend", "simd")]
public sealed class SimdGemmTests : GemmConformanceTests
{
    /// <inheritdoc />
    protected override IComputeBackend CreateBackend() => new SimdBackend();

    /// <summary>Row-split over two threads gives bit-for-bit the single-threaded result.</summary>
    [Fact]
    public void TwoThreadGemmEqualsSingleThread()
    {
        int seed = 900;
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (1024, 256, 256), (257, 33, 129), (37, 300, 600), (13, 7, 5) })
            {
                var a = Make(Backend, ta ? k : m, ta ? m : k, RandomData(m * k, seed++));
                var b = Make(Backend, tb ? n : k, tb ? k : n, RandomData(k * n, seed++));
                var bias = Make(Backend, 1, n, RandomData(n, seed++));
                var old = RandomData(m * n, seed++);
                var single = Make(Backend, m, n, old);
                var parallel = Make(Backend, m, n, old);
                var epilogue = new GemmEpilogue(bias, Activation.SiLU);
                Backend.Gemm(a, ta, b, tb, single, 0.75f, 0.5f, epilogue);
                SimdGemm.Parallel(Backend, a, ta, b, tb, parallel, 0.75f, 0.5f, epilogue, workers: 2);
                Assert.True(Host(single).AsSpan().SequenceEqual(Host(parallel)), $"2-thread Gemm {m}x{n}x{k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} differs from 1-thread");
            }
    }

    /// <summary>The 6×16 Vector256 kernel (the path of CPUs without AVX-512) against the reference.</summary>
    [Fact]
    public void Vector256KernelMatchesReference()
    {
        int seed = 1000;
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (33, 257, 7), (7, 16, 300), (1, 33, 33), (20, 17, 1) })
                foreach (var act in new[] { Activation.None, Activation.Gelu, Activation.LeakyReLU })
                {
                    var (a, aRef) = RandomPair(ta ? k : m, ta ? m : k, seed++);
                    var (b, bRef) = RandomPair(tb ? n : k, tb ? k : n, seed++);
                    var (c, cRef) = RandomPair(m, n, seed++);
                    var (bias, biasRef) = RandomPair(1, n, seed++);
                    SimdGemm.Run(Backend, a, ta, b, tb, c, 1.25f, 0.5f, new GemmEpilogue(bias, act), GemmKernelWidth.Vector256);
                    Reference.Gemm(aRef, ta, bRef, tb, cRef, 1.25f, 0.5f, new GemmEpilogue(biasRef, act));
                    AssertClose(cRef, c, 1e-5f, 2f * Tolerance(k), $"Vector256 Gemm {m}x{n}x{k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {act}");
                }
    }

    /// <summary>Steady-state calls allocate nothing: the packing workspace is per thread and reused.</summary>
    [Fact]
    public void RepeatedGemmDoesNotAllocate()
    {
        var a = Make(Backend, 300, 200, RandomData(300 * 200, 1));
        var b = Make(Backend, 200, 100, RandomData(200 * 100, 2));
        var bias = Make(Backend, 1, 100, RandomData(100, 3));
        var bTransposed = Make(Backend, 100, 200, RandomData(100 * 200, 4));
        var c = Backend.Allocate(300, 100);
        var epilogue = new GemmEpilogue(bias, Activation.Gelu);
        Backend.Gemm(a, false, b, false, c, 1f, 0f, epilogue);
        Backend.Gemm(a, false, bTransposed, true, c, 1f, 0.5f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            Backend.Gemm(a, false, b, false, c, 1f, 0f, epilogue);
            Backend.Gemm(a, false, bTransposed, true, c, 1f, 0.5f);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }
}
