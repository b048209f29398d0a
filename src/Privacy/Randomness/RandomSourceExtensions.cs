using System.Numerics;

namespace DpSynth.Privacy.Randomness;

/// <summary>Uniform draws built from an <see cref="IRandomSource"/>'s bytes.</summary>
public static class RandomSourceExtensions
{
    /// <summary>A uniform 64-bit value.</summary>
    /// <param name="source">The byte source.</param>
    public static ulong NextUInt64(this IRandomSource source)
    {
        Span<byte> b = stackalloc byte[8];
        source.Fill(b);
        return BitConverter.ToUInt64(b);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    /// <param name="source">The byte source.</param>
    public static double NextDouble(this IRandomSource source) => (source.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An exactly uniform integer in [0, bound), by rejection so that no value is favoured.</summary>
    /// <param name="source">The byte source.</param>
    /// <param name="bound">Exclusive upper bound, &gt; 0.</param>
    public static BigInteger NextBelow(this IRandomSource source, BigInteger bound)
    {
        if (bound.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        if (bound.IsOne) return BigInteger.Zero;
        long bits = (long)(bound - 1).GetBitLength();
        int bytes = (int)((bits + 7) / 8);
        var buffer = new byte[bytes + 1]; // trailing zero byte keeps the value non-negative
        int excess = (int)(bytes * 8 - bits);
        while (true)
        {
            source.Fill(buffer.AsSpan(0, bytes));
            buffer[bytes - 1] &= (byte)(0xFF >> excess);
            var candidate = new BigInteger(buffer, isUnsigned: true);
            if (candidate < bound) return candidate;
        }
    }
}
