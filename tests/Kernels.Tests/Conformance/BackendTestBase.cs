using DpSynth.Kernels;
using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// Base of the conformance suite: every op test is written once against <see cref="IComputeBackend"/>
/// and compared with <see cref="ReferenceBackend"/>. A backend joins the suite by deriving one class
/// per op family and overriding <see cref="CreateBackend"/> (and, for slow simulators, the sizes).
/// Tests loop over a table of cases inside one [Fact] and name the failing case in the message.
/// </summary>
public abstract class BackendTestBase : IDisposable
{
    private IComputeBackend? _backend;
    private ReferenceBackend? _reference;

    /// <summary>Creates the backend under test.</summary>
    protected abstract IComputeBackend CreateBackend();

    /// <summary>The backend under test (created on first use).</summary>
    protected IComputeBackend Backend => _backend ??= CreateBackend();

    /// <summary>The scalar ground truth.</summary>
    protected ReferenceBackend Reference => _reference ??= new ReferenceBackend();

    /// <summary>Dimensions the cases are built from: 1, vector-width misfits and a prime past 256.</summary>
    protected virtual IReadOnlyList<int> Sizes => [1, 7, 33, 257];

    /// <summary>Dimensions for ops whose cost is cubic (GEMM), where 257³ is still cheap on CPU.</summary>
    protected virtual IReadOnlyList<int> GemmSizes => [1, 7, 16, 33, 257];

    /// <summary>Seeded uniform data in [lo, hi).</summary>
    protected static float[] RandomData(int length, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new System.Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return data;
    }

    /// <summary>A tensor on <paramref name="backend"/> holding <paramref name="data"/>.</summary>
    protected static Tensor Make(IComputeBackend backend, int rows, int cols, ReadOnlySpan<float> data)
    {
        var t = backend.Allocate(rows, cols);
        backend.Upload(data, t);
        return t;
    }

    /// <summary>The same data on the backend under test and on the reference.</summary>
    protected (Tensor OnBackend, Tensor OnReference) Pair(int rows, int cols, float[] data)
        => (Make(Backend, rows, cols, data), Make(Reference, rows, cols, data));

    /// <summary>Seeded random data on both backends.</summary>
    protected (Tensor OnBackend, Tensor OnReference) RandomPair(int rows, int cols, int seed, float lo = -1f, float hi = 1f)
        => Pair(rows, cols, RandomData(rows * cols, seed, lo, hi));

    /// <summary>A tensor's contents on the host.</summary>
    protected static float[] Host(Tensor t)
    {
        var data = new float[t.Length];
        t.Backend.Synchronize();
        t.Backend.Download(t, data);
        return data;
    }

    /// <summary>Asserts |a − e| ≤ atol + rtol·|e| element-wise, naming the case and the first bad index.</summary>
    protected static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float rtol, float atol, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool ok = float.IsNaN(e) ? float.IsNaN(a) : MathF.Abs(a - e) <= atol + rtol * MathF.Abs(e);
            // Build the message only on failure: formatting it for every element dominated the suite's run time.
            if (!ok) Assert.Fail($"{context}: element {i} is {a}, expected {e} (rtol {rtol}, atol {atol})");
        }
    }

    /// <summary>Compares a tensor on the backend with its reference counterpart.</summary>
    protected static void AssertClose(Tensor expectedOnReference, Tensor actualOnBackend, float rtol, float atol, string context)
        => AssertClose(Host(expectedOnReference), Host(actualOnBackend), rtol, atol, context);

    /// <inheritdoc />
    public void Dispose()
    {
        _backend?.Dispose();
        _reference?.Dispose();
        GC.SuppressFinalize(this);
    }
}
