using DpSynth.Kernels.Random;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// Uniform and standard-normal draws from consecutive ChaCha20 keystream blocks of one key and
/// stream, from block <paramref name="firstBlock"/> on: a CSPRNG stream when the key is secure,
/// reproducible when it comes from a seed.
/// </summary>
internal sealed class ChaChaUniforms(NoiseKey key, ulong firstBlock = 0)
{
    private readonly uint[] _block = new uint[16];
    private ulong _next = firstBlock;
    private int _slot = 16;
    private double? _spare;

    /// <summary>A uniform in (0, 1] with 53 random bits.</summary>
    public double Next()
    {
        if (_slot == 16)
        {
            ChaCha20.KeystreamBlock(key, _next++, _block);
            _slot = 0;
        }
        ulong bits = ((ulong)(_block[_slot] >> 5) << 26) | (_block[_slot + 1] >> 6);
        _slot += 2;
        return 1.0 - bits * (1.0 / (1UL << 53));
    }

    /// <summary>A standard normal (Box–Muller; sampling is post-processing, so bit-exactness across backends is not needed).</summary>
    public double Normal()
    {
        if (_spare is double s)
        {
            _spare = null;
            return s;
        }
        double r = Math.Sqrt(-2 * Math.Log(Next())), t = 2 * Math.PI * Next();
        _spare = r * Math.Sin(t);
        return r * Math.Cos(t);
    }

    /// <summary>An index drawn with probabilities <paramref name="p"/> (summing to 1).</summary>
    public int Categorical(ReadOnlySpan<double> p)
    {
        double u = Next() * 0.9999999999999999, c = 0;
        for (int i = 0; i < p.Length - 1; i++)
        {
            c += p[i];
            if (u < c) return i;
        }
        return p.Length - 1;
    }

    /// <summary>A Poisson(λ) count: inversion on pieces of rate at most 16, summed (exact, O(λ)).</summary>
    public double Poisson(double lambda)
    {
        double total = 0;
        while (lambda > 0)
        {
            double piece = Math.Min(lambda, 16);
            lambda -= piece;
            double limit = Math.Exp(-piece), product = Next();
            while (product > limit)
            {
                total++;
                product *= Next();
            }
        }
        return total;
    }
}
