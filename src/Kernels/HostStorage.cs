using System.Runtime.InteropServices;

namespace DpSynth.Kernels;

/// <summary>
/// Tensor storage in native memory aligned to 64 bytes, so that Vector512 loads of a row that starts
/// on a multiple of 16 floats never split a cache line. There is deliberately no finalizer: ops work
/// on raw pointers, and a finalizer could free a temporary tensor's memory while an op still reads
/// it. Memory is released by <see cref="Dispose"/> or, at the latest, when the owning
/// <see cref="HostAllocations"/> (its backend) is disposed — the same life cycle as device memory.
/// </summary>
public sealed unsafe class HostStorage : TensorStorage
{
    private float* _data;
    private readonly HostAllocations _owner;

    /// <summary>Allocates zeroed, 64-byte aligned storage of <paramref name="length"/> floats.</summary>
    public HostStorage(IComputeBackend backend, HostAllocations owner, int length) : base(backend, length)
    {
        ArgumentNullException.ThrowIfNull(owner);
        _owner = owner;
        nuint bytes = (nuint)Math.Max(1, length) * sizeof(float);
        _data = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
        if (length > 0) GC.AddMemoryPressure((long)bytes);
        owner.Track(this);
    }

    /// <summary>The storage's first element.</summary>
    public float* Pointer => _data != null ? _data : throw new ObjectDisposedException(nameof(HostStorage));

    /// <summary>The elements of <paramref name="t"/>, which must live in host storage.</summary>
    public static Span<float> SpanOf(Tensor t)
    {
        if (t.Storage is not HostStorage host)
            throw new ArgumentException($"Tensor {t.ShapeText} lives on backend '{t.Backend.Name}', not in host memory.");
        return new Span<float>(host.Pointer + t.Offset, t.Length);
    }

    /// <summary>Pointer to element [0,0] of <paramref name="t"/>.</summary>
    public static float* PointerOf(Tensor t)
    {
        if (t.Storage is not HostStorage host)
            throw new ArgumentException($"Tensor {t.ShapeText} lives on backend '{t.Backend.Name}', not in host memory.");
        return host.Pointer + t.Offset;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_data == null) return;
        NativeMemory.AlignedFree(_data);
        if (Length > 0) GC.RemoveMemoryPressure((long)Length * sizeof(float));
        _data = null;
        _owner.Forget(this);
    }
}

/// <summary>The host allocations of one backend, freed together when the backend is disposed.</summary>
public sealed class HostAllocations : IDisposable
{
    private readonly HashSet<HostStorage> _live = [];
    private readonly Lock _gate = new();

    internal void Track(HostStorage storage)
    {
        lock (_gate) _live.Add(storage);
    }

    internal void Forget(HostStorage storage)
    {
        lock (_gate) _live.Remove(storage);
    }

    /// <summary>Frees every allocation that has not been disposed yet.</summary>
    public void Dispose()
    {
        HostStorage[] live;
        lock (_gate) live = [.. _live];
        foreach (var storage in live) storage.Dispose();
    }
}
