using DpSynth.Kernels.Cases;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;
using DpSynth.Kernels.Simd.Gemm;

namespace DpSynth.Kernels.Tests.Simd;

/// <summary>
/// The SIMD GEMM's own paths, beyond the conformance rows every backend runs: the row split over
/// threads, the Vector256 kernel of CPUs without AVX-512, and no allocation in steady state.
/// </summary>
[Trait("Backend", "simd")]
public sealed class SimdGemmTests : IDisposable
{
    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];
    private readonly SimdBackend _backend = new();
    private readonly ReferenceBackend _reference = new();
    private readonly CaseBuilder _simd, _ref;

    /// <summary>Creates the builders.</summary>
    public SimdGemmTests()
    {
        _simd = new CaseBuilder(_backend, 1);
        _ref = new CaseBuilder(_reference, 1);
    }

    /// <summary>Row-split over two threads gives bit-for-bit the single-threaded result.</summary>
    [Fact]
    public void TwoThreadGemmEqualsSingleThread()
    {
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (1024, 256, 256), (257, 33, 129), (37, 300, 600), (13, 7, 5) })
            {
                var a = _simd.Random(ta ? k : m, ta ? m : k);
                var b = _simd.Random(tb ? n : k, tb ? k : n);
                var epilogue = new GemmEpilogue(_simd.Random(1, n), Activation.SiLU);
                var old = _simd.Values(m * n);
                var (single, parallel) = (_simd.Put(m, n, old), _simd.Put(m, n, old));
                _backend.Gemm(a, ta, b, tb, single, 0.75f, 0.5f, epilogue);
                SimdGemm.Parallel(_backend, a, ta, b, tb, parallel, 0.75f, 0.5f, epilogue, workers: 2);
                Assert.True(Host(single).AsSpan().SequenceEqual(Host(parallel)), $"2-thread Gemm {m}x{n}x{k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} differs from 1-thread");
            }
    }

    /// <summary>The 6×16 Vector256 kernel (the path of CPUs without AVX-512) against the reference.</summary>
    [Fact]
    public void Vector256KernelMatchesReference()
    {
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (33, 257, 7), (7, 16, 300), (1, 33, 33), (20, 17, 1) })
                foreach (var act in new[] { Activation.None, Activation.Gelu, Activation.LeakyReLU })
                {
                    float[] aData = _simd.Values(m * k), bData = _simd.Values(k * n), cData = _simd.Values(m * n), bias = _simd.Values(n);
                    var c = _simd.Put(m, n, cData);
                    SimdGemm.Run(_backend, _simd.Put(ta ? k : m, ta ? m : k, aData), ta, _simd.Put(tb ? n : k, tb ? k : n, bData), tb, c,
                        1.25f, 0.5f, new GemmEpilogue(_simd.Put(1, n, bias), act), GemmKernelWidth.Vector256);
                    var expected = _ref.Put(m, n, cData);
                    _reference.Gemm(_ref.Put(ta ? k : m, ta ? m : k, aData), ta, _ref.Put(tb ? n : k, tb ? k : n, bData), tb, expected,
                        1.25f, 0.5f, new GemmEpilogue(_ref.Put(1, n, bias), act));
                    var tolerance = new CaseTolerance(1e-5f, 2f * (1e-5f + 2e-6f * k));
                    float[] e = Host(expected), got = Host(c);
                    for (int i = 0; i < e.Length; i++)
                        Assert.True(tolerance.Ratio(e[i], got[i]) <= 1, $"Vector256 Gemm {m}x{n}x{k} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {act}: C[{i}] is {got[i]}, expected {e[i]}");
                }
    }

    /// <summary>Steady-state calls allocate nothing: the packing workspace is per thread and reused.</summary>
    [Fact]
    public void RepeatedGemmDoesNotAllocate()
    {
        var a = _simd.Random(300, 200);
        var b = _simd.Random(200, 100);
        var bTransposed = _simd.Random(100, 200);
        var c = _simd.Zeros(300, 100);
        var epilogue = new GemmEpilogue(_simd.Random(1, 100), Activation.Gelu);
        _backend.Gemm(a, false, b, false, c, 1f, 0f, epilogue);
        _backend.Gemm(a, false, bTransposed, true, c, 1f, 0.5f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            _backend.Gemm(a, false, b, false, c, 1f, 0f, epilogue);
            _backend.Gemm(a, false, bTransposed, true, c, 1f, 0.5f);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static float[] Host(Tensor t)
    {
        var data = new float[t.Length];
        t.Backend.Download(t, data);
        return data;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _simd.Dispose();
        _ref.Dispose();
        _backend.Dispose();
        _reference.Dispose();
    }
}
