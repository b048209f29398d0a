using System.Numerics;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Mechanisms;

/// <summary>
/// Exact sampler for the discrete Gaussian N_ℤ(0, σ²), P(z) ∝ e^{−z²/2σ²}, following Canonne,
/// Kamath &amp; Steinke, "The Discrete Gaussian for Differential Privacy" (2020), Algorithms 1–3:
/// Bernoulli(e^{−γ}) from Bernoulli(rational) draws, a discrete Laplace proposal, and rejection.
/// All arithmetic is on exact rationals (σ² is taken exactly from the double σ), so no
/// floating-point rounding leaks into the output distribution.
/// </summary>
public sealed class DiscreteGaussianSampler
{
    private readonly IRandomSource _random;
    private readonly BigInteger _sigmaSqNum, _sigmaSqDen; // σ² = num/den exactly
    private readonly long _t;                             // Laplace scale ⌊σ⌋ + 1

    /// <summary>Creates a sampler.</summary>
    /// <param name="sigma">σ &gt; 0 (the discrete Gaussian's scale parameter, close to its standard deviation for σ ≳ 1).</param>
    /// <param name="random">Randomness; use <see cref="CryptoRandomSource"/> outside tests.</param>
    public DiscreteGaussianSampler(double sigma, IRandomSource random)
    {
        CostValidation.Positive(sigma, "sigma");
        _random = random;
        // σ = m / 2^k exactly (doubling a double is exact), so σ² = m² / 4^k.
        double scaled = sigma;
        int k = 0;
        while (scaled != Math.Floor(scaled)) { scaled *= 2; k++; }
        var m = new BigInteger(scaled);
        _sigmaSqNum = m * m;
        _sigmaSqDen = BigInteger.Pow(4, k);
        _t = (long)Math.Floor(sigma) + 1;
    }

    /// <summary>Draws one sample.</summary>
    public long Sample()
    {
        while (true)
        {
            long y = SampleDiscreteLaplace(_t);
            // γ = (|y| − σ²/t)² / (2σ²) = (|y|·t·den − num)² / (2·num·den·t²)
            BigInteger diff = Math.Abs(y) * _t * _sigmaSqDen - _sigmaSqNum;
            if (BernoulliExpMinus(diff * diff, 2 * _sigmaSqNum * _sigmaSqDen * _t * _t)) return y;
        }
    }

    /// <summary>Discrete Laplace with P(x) ∝ e^{−|x|/t} (CKS20, Algorithm 2).</summary>
    private long SampleDiscreteLaplace(long t)
    {
        while (true)
        {
            long u = (long)_random.NextBelow(t);
            if (!BernoulliExpMinus(u, t)) continue;
            long v = 0;
            while (BernoulliExpMinus(1, 1)) v++;
            long x = u + t * v;
            bool negative = Bernoulli(1, 2);
            if (negative && x == 0) continue; // otherwise 0 would be drawn twice as often
            return negative ? -x : x;
        }
    }

    /// <summary>Bernoulli(e^{−n/d}) for n/d ≥ 0 (CKS20, Algorithm 1, with the γ &gt; 1 reduction).</summary>
    private bool BernoulliExpMinus(BigInteger n, BigInteger d)
    {
        while (n > d)
        {
            if (!BernoulliExpMinusAtMostOne(BigInteger.One, BigInteger.One)) return false;
            n -= d;
        }
        return BernoulliExpMinusAtMostOne(n, d);
    }

    /// <summary>Bernoulli(e^{−γ}) for γ = n/d ∈ [0, 1]: count successes of Bernoulli(γ/k); the parity of the stopping k decides.</summary>
    private bool BernoulliExpMinusAtMostOne(BigInteger n, BigInteger d)
    {
        long k = 1;
        while (Bernoulli(n, d * k)) k++;
        return k % 2 == 1;
    }

    private bool Bernoulli(BigInteger n, BigInteger d) => _random.NextBelow(d) < n;

    /// <summary>The exact variance Σ z²·e^{−z²/2σ²} / Σ e^{−z²/2σ²} (for checks; it is below σ²).</summary>
    /// <param name="sigma">σ &gt; 0.</param>
    public static double Variance(double sigma)
    {
        long reach = (long)Math.Ceiling(40 * sigma) + 1;
        double norm = 0, second = 0;
        for (long z = -reach; z <= reach; z++)
        {
            double w = Math.Exp(-(double)z * z / (2 * sigma * sigma));
            norm += w;
            second += (double)z * z * w;
        }
        return second / norm;
    }

    /// <summary>
    /// The smallest k ≥ 0 with P(Z ≥ k) ≤ <paramref name="bound"/> for Z ∼ N_ℤ(0, σ²), in two passes
    /// over the weights: the normaliser, then the tail summed downward from the top (small tails keep
    /// their digits) until it exceeds the bound. Searching with <see cref="UpperTail"/> instead costs a
    /// full pass per probe, dozens of passes of 80σ terms, which at a tiny ε (σ in the tens of
    /// thousands) took seconds.
    /// </summary>
    /// <param name="sigma">σ &gt; 0.</param>
    /// <param name="bound">The tail allowed, in (0, 1).</param>
    public static long SmallestUpperTailAtMost(double sigma, double bound)
    {
        long reach = (long)Math.Ceiling(40 * sigma) + 1;
        double Weight(long z) => Math.Exp(-(double)z * z / (2 * sigma * sigma));
        double norm = 0;
        for (long z = -reach; z <= reach; z++) norm += Weight(z);
        double tail = 0;
        for (long k = reach; k >= 0; k--)
        {
            tail += Weight(k);
            if (tail / norm > bound) return k + 1;
        }
        return 0;
    }

    /// <summary>P(Z ≥ k) for Z ∼ N_ℤ(0, σ²), summed term by term so that small tails keep their digits.</summary>
    /// <param name="sigma">σ &gt; 0.</param>
    /// <param name="k">Threshold.</param>
    public static double UpperTail(double sigma, long k)
    {
        long reach = (long)Math.Ceiling(40 * sigma) + Math.Abs(k) + 1;
        double norm = 0, tail = 0;
        for (long z = -reach; z <= reach; z++)
        {
            double w = Math.Exp(-(double)z * z / (2 * sigma * sigma));
            norm += w;
            if (z >= k) tail += w;
        }
        return tail / norm;
    }
}
