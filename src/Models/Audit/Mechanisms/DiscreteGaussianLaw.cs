using System.Globalization;
using DpSynth.Privacy.Auditing;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// The discrete Gaussian N_ℤ(0, σ²), P(z) ∝ e^{−z²/2σ²}, tabulated over |z| ≤ 40σ + 1 (beyond it the
/// mass is below 1e-300): its CDF and moments, computed independently of the sampler under audit.
/// </summary>
internal sealed class DiscreteGaussianLaw
{
    private readonly long _reach;
    private readonly double[] _cumulative; // _cumulative[i] = P(Z ≤ i − reach)

    public DiscreteGaussianLaw(double sigma)
    {
        Sigma = sigma;
        _reach = (long)Math.Ceiling(40 * sigma) + 1;
        var weights = new double[2 * _reach + 1];
        double total = 0;
        for (long z = -_reach; z <= _reach; z++) total += weights[z + _reach] = Math.Exp(-(double)z * z / (2 * sigma * sigma));
        double variance = 0, fourth = 0, running = 0;
        _cumulative = new double[weights.Length];
        for (long z = -_reach; z <= _reach; z++)
        {
            double p = weights[z + _reach] / total, z2 = (double)z * z;
            variance += p * z2;
            fourth += p * z2 * z2;
            _cumulative[z + _reach] = running += p;
        }
        Variance = variance;
        FourthMoment = fourth;
    }

    public double Sigma { get; }

    public double Variance { get; }

    public double FourthMoment { get; }

    /// <summary>P(Z ≤ k).</summary>
    public double AtMost(long k) => k < -_reach ? 0 : k >= _reach ? 1 : _cumulative[k + _reach];

    /// <summary>P(Z ≥ k), summed from the top so that small tails keep their digits.</summary>
    public double AtLeast(long k)
    {
        if (k > _reach) return 0;
        double tail = 0;
        for (long z = _reach; z >= Math.Max(k, -_reach); z--) tail += AtMost(z) - AtMost(z - 1);
        return tail;
    }

    /// <summary>The law as a noise check needs it.</summary>
    public NoiseLaw ToNoiseLaw() => new(string.Create(CultureInfo.InvariantCulture, $"N_Z(0, {Sigma:0.###}^2)"), 0, Variance, FourthMoment,
        x => AtMost((long)Math.Floor(x)), x => AtMost((long)Math.Ceiling(x) - 1));
}
