using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// STREAM's triad, a[i] = b[i] + s·c[i], in Vector512 (Vector256 without AVX-512) over 64-byte
/// aligned native arrays, counted as 12 bytes per element (two reads, one write; write-allocate
/// traffic is not counted, as in STREAM and as in the kernels' byte counts). Run at the working-set
/// size of the row it is compared with, it is the bandwidth roof of that cache level or of DRAM.
/// </summary>
internal sealed unsafe class Triad : IDisposable
{
    private readonly float* _a, _b, _c;
    private readonly int _length;

    /// <summary>Three arrays of <paramref name="footprintBytes"/>/3 bytes together.</summary>
    public Triad(long footprintBytes)
    {
        _length = (int)Math.Max(64, footprintBytes / 12 / 64 * 64);
        nuint bytes = (nuint)_length * sizeof(float);
        _a = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        _b = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        _c = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        for (int i = 0; i < _length; i++) { _a[i] = 0f; _b[i] = 1f; _c[i] = 2f; }
    }

    /// <summary>Bytes one <see cref="Run"/> moves.</summary>
    public double Bytes => 12.0 * _length;

    /// <summary>One pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        int i = 0, n = _length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(0.5f);
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.FusedMultiplyAdd(s, Vector512.Load(_c + i), Vector512.Load(_b + i)), _a + i);
        }
        else
        {
            var s = Vector256.Create(0.5f);
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.FusedMultiplyAdd(s, Vector256.Load(_c + i), Vector256.Load(_b + i)), _a + i);
        }
        for (; i < n; i++) _a[i] = _b[i] + 0.5f * _c[i];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
    }
}
