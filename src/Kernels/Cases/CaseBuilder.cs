using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels.Cases;

/// <summary>
/// Builds a row's operands on one backend. Data comes from a generator seeded by the row, so the
/// backend under test and the reference receive identical inputs when their setups make the same
/// calls in the same order. Every tensor is freed when the builder is disposed.
/// </summary>
internal sealed class CaseBuilder : IDisposable
{
    private readonly System.Random _random;
    private readonly List<TensorStorage> _owned = [];
    private ReferenceBackend? _host;

    /// <summary>A builder for <paramref name="backend"/> whose data sequence starts from <paramref name="seed"/>.</summary>
    public CaseBuilder(IComputeBackend backend, int seed)
    {
        Backend = backend;
        _random = new System.Random(seed);
    }

    /// <summary>The backend the operands live on.</summary>
    public IComputeBackend Backend { get; }

    /// <summary>Bytes of every tensor allocated so far: the row's working set.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>The next <paramref name="length"/> values of the row's sequence, uniform in [lo, hi).</summary>
    public float[] Values(int length, float lo = -1f, float hi = 1f)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = lo + (hi - lo) * (float)_random.NextDouble();
        return data;
    }

    /// <summary>A uniform integer in [0, max) from the row's sequence.</summary>
    public int Next(int max) => _random.Next(max);

    /// <summary>A rows × cols tensor of uniform values in [lo, hi).</summary>
    public Tensor Random(int rows, int cols, float lo = -1f, float hi = 1f) => Put(rows, cols, Values(rows * cols, lo, hi));

    /// <summary>A rows × cols tensor holding <paramref name="data"/>.</summary>
    public Tensor Put(int rows, int cols, float[] data)
    {
        var t = Zeros(rows, cols);
        if (data.Length > 0) Backend.Upload(data, t);
        return t;
    }

    /// <summary>A zeroed rows × cols tensor.</summary>
    public Tensor Zeros(int rows, int cols)
    {
        var t = Backend.Allocate(rows, cols);
        _owned.Add(t.Storage);
        AllocatedBytes += 4L * t.Length;
        return t;
    }

    /// <summary>A rows × cols tensor with every element <paramref name="value"/> (NaN checks that β = 0 ignores old contents).</summary>
    public Tensor Filled(int rows, int cols, float value)
    {
        var data = new float[rows * cols];
        Array.Fill(data, value);
        return Put(rows, cols, data);
    }

    /// <summary>
    /// A random rows × cols view starting <paramref name="before"/> rows into a larger random tensor with
    /// <paramref name="after"/> rows past it (row views must neither read nor write outside themselves).
    /// </summary>
    public (Tensor View, Tensor Whole) View(int rows, int cols, int before, int after)
    {
        var whole = Random(before + rows + after, cols);
        return (whole.SliceRows(before, rows), whole);
    }

    /// <summary>
    /// Host values computed by the scalar reference from host data — derived inputs such as the
    /// activation output a backward pass is given, identical on every backend.
    /// </summary>
    public float[] OnReference(Func<CaseBuilder, Tensor> compute)
    {
        _host ??= new ReferenceBackend();
        using var builder = new CaseBuilder(_host, 0);
        var t = compute(builder);
        var data = new float[t.Length];
        _host.Download(t, data);
        return data;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var storage in _owned) storage.Dispose();
        _owned.Clear();
        _host?.Dispose();
    }
}
