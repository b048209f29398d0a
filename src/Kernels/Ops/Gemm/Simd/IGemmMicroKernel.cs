namespace DpSynth.Kernels.Simd.Gemm;

/// <summary>
/// A register-blocked GEMM micro-kernel: computes one Rows×Cols tile of C from a packed A panel
/// (kc steps of Rows floats) and a packed B panel (kc steps of Cols floats). The driver is generic
/// over the kernel struct, so the JIT specialises it per vector width with no indirect calls.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Tile height (MR): rows of C, broadcasts per k step.</summary>
    static abstract int Rows { get; }

    /// <summary>Tile width (NR): columns of C, a whole number of vectors.</summary>
    static abstract int Cols { get; }

    /// <summary>
    /// tile = α·(Ã·B̃) + β·tile, where the tile starts at <paramref name="c"/> with row stride
    /// <paramref name="ldc"/>. β = 0 never reads the tile, so stale NaNs cannot leak in.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
