using System.Numerics;

namespace DpSynth.Privacy.Pld;

/// <summary>
/// In-place iterative radix-2 FFT for power-of-two sizes, single-threaded on purpose: the
/// accountant runs beside training on small shared machines, where a parallel FFT's dispatch
/// costs more than it saves at these sizes. Twiddles are computed directly with cos/sin (not
/// by recurrence) so that round-off does not grow with the transform size; they are computed once
/// per size and kept, because a fit prices dozens of compositions at the same few sizes and the
/// cos/sin table cost as much as the transform itself.
/// </summary>
internal static class Radix2Fft
{
    /// <summary>Forward transform X_k = Σ x_j e^{−2πi jk/n} (inverse: e^{+…} and 1/n scaling).</summary>
    public static void Transform(Complex[] data, bool inverse)
    {
        int n = data.Length;
        if (n == 0 || (n & (n - 1)) != 0) throw new ArgumentException("FFT size must be a power of two");
        BitReverse(data);
        var twiddles = Twiddles(n);
        for (int size = 2; size <= n; size *= 2)
        {
            int half = size / 2, stride = n / size;
            for (int start = 0; start < n; start += size)
                for (int k = 0; k < half; k++)
                {
                    // The inverse transform's twiddles are the forward ones conjugated.
                    Complex w = inverse ? Complex.Conjugate(twiddles[k * stride]) : twiddles[k * stride];
                    Complex t = w * data[start + k + half];
                    Complex u = data[start + k];
                    data[start + k] = u + t;
                    data[start + k + half] = u - t;
                }
        }
        if (inverse)
        {
            double scale = 1.0 / n;
            for (int i = 0; i < n; i++) data[i] *= scale;
        }
    }

    /// <summary>Sizes whose twiddles are kept: up to 2^20 points (8 MB of twiddles); larger ones are computed per call.</summary>
    private const int LargestKept = 1 << 20;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Complex[]> Kept = new();

    /// <summary>e^{−2πik/n} for k &lt; n/2.</summary>
    private static Complex[] Twiddles(int n) => n <= LargestKept ? Kept.GetOrAdd(n, Compute) : Compute(n);

    private static Complex[] Compute(int n)
    {
        var w = new Complex[Math.Max(1, n / 2)];
        for (int k = 0; k < w.Length; k++)
        {
            double angle = -2 * Math.PI * k / n;
            w[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }
        return w;
    }

    private static void BitReverse(Complex[] data)
    {
        int n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) (data[i], data[j]) = (data[j], data[i]);
        }
    }
}
