using System.Runtime.InteropServices;

namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// One thread's scratch memory for packed GEMM panels. Each thread owns one, grown to the largest
/// request it has seen and then reused, so a GEMM call allocates nothing in the steady state and
/// two threads never share packing buffers. The finaliser frees the memory when the thread dies.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic] private static GemmWorkspace? t_current;

    private float* _buffer;
    private nint _capacity;

    /// <summary>The calling thread's workspace.</summary>
    public static GemmWorkspace ForCurrentThread => t_current ??= new GemmWorkspace();

    /// <summary>
    /// At least <paramref name="floats"/> floats, 64-byte aligned. The contents are not preserved
    /// across a growth, so callers rent once per GEMM call, before packing.
    /// </summary>
    public float* Rent(nint floats)
    {
        if (floats > _capacity)
        {
            Free();
            // Round up so that slightly larger shapes do not regrow every call.
            nint capacity = (floats + 4095) & ~(nint)4095;
            _buffer = (float*)NativeMemory.AlignedAlloc((nuint)capacity * sizeof(float), 64);
            _capacity = capacity;
        }
        return _buffer;
    }

    private void Free()
    {
        if (_buffer == null) return;
        NativeMemory.AlignedFree(_buffer);
        _buffer = null;
        _capacity = 0;
    }

    ~GemmWorkspace() => Free();
}
