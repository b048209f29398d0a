namespace DpSynth.Privacy.Auditing;

/// <summary>The distribution a mechanism's noise should follow, as a noise check needs it.</summary>
/// <param name="Name">A short description, e.g. "N(0, 3.7²)".</param>
/// <param name="Mean">Expected mean.</param>
/// <param name="Variance">Expected variance.</param>
/// <param name="FourthCentralMoment">Expected E[(X − mean)⁴] (3σ⁴ for a normal).</param>
/// <param name="Cdf">P(X ≤ x).</param>
/// <param name="CdfBelow">P(X &lt; x): equal to <paramref name="Cdf"/> for a continuous law, its left limit for a discrete one.</param>
public sealed record NoiseLaw(string Name, double Mean, double Variance, double FourthCentralMoment, Func<double, double> Cdf, Func<double, double> CdfBelow)
{
    /// <summary>Expected excess kurtosis μ₄/σ⁴ − 3.</summary>
    public double ExcessKurtosis => FourthCentralMoment / (Variance * Variance) - 3;
}

/// <summary>
/// How far a noise sample is from its law: z-scores of the sample mean, variance, skewness and
/// excess kurtosis against their expected values (asymptotic standard errors), and the
/// Kolmogorov–Smirnov distance with its asymptotic p-value (conservative for discrete laws).
/// </summary>
/// <param name="Count">Sample size n.</param>
/// <param name="Mean">Sample mean.</param>
/// <param name="Variance">Sample variance (n − 1 denominator).</param>
/// <param name="MeanZ">(mean − E)/√(σ²/n).</param>
/// <param name="VarianceZ">(s² − σ²)/√((μ₄ − σ⁴)/n).</param>
/// <param name="SkewnessZ">Sample skewness / √(6/n).</param>
/// <param name="KurtosisZ">(sample excess kurtosis − expected) / √(24/n).</param>
/// <param name="KolmogorovSmirnov">sup |F_n − F|.</param>
/// <param name="KolmogorovSmirnovPValue">Asymptotic p-value of the KS distance.</param>
public sealed record NoiseCheck(long Count, double Mean, double Variance, double MeanZ, double VarianceZ, double SkewnessZ, double KurtosisZ,
    double KolmogorovSmirnov, double KolmogorovSmirnovPValue)
{
    /// <summary>Largest |z| a sound sampler is allowed; a normal z exceeds 5 with probability 6e-7.</summary>
    public const double ZLimit = 5;

    /// <summary>Smallest KS p-value a sound sampler is allowed.</summary>
    public const double PValueLimit = 1e-6;

    /// <summary>True when every moment is within <see cref="ZLimit"/> and the KS p-value is above <see cref="PValueLimit"/>.</summary>
    public bool Consistent => new[] { MeanZ, VarianceZ, SkewnessZ, KurtosisZ }.All(z => Math.Abs(z) <= ZLimit) && KolmogorovSmirnovPValue >= PValueLimit;

    /// <summary>Compares a sample with its law.</summary>
    /// <param name="sample">The noise values (reordered in place: sorted).</param>
    /// <param name="law">The law they should follow.</param>
    public static NoiseCheck Of(Span<double> sample, NoiseLaw law)
    {
        ArgumentNullException.ThrowIfNull(law);
        int n = sample.Length;
        if (n < 2) throw new ArgumentException("a noise check needs at least two values", nameof(sample));
        double mean = 0;
        foreach (double x in sample) mean += x;
        mean /= n;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (double x in sample)
        {
            double d = x - mean, d2 = d * d;
            m2 += d2; m3 += d2 * d; m4 += d2 * d2;
        }
        m2 /= n; m3 /= n; m4 /= n;
        double variance = m2 * n / (n - 1);
        double skewness = m3 / Math.Pow(m2, 1.5), kurtosis = m4 / (m2 * m2) - 3;
        double sigma4 = law.Variance * law.Variance;
        sample.Sort();
        double distance = Distance(sample, law);
        return new NoiseCheck(n, mean, variance,
            (mean - law.Mean) / Math.Sqrt(law.Variance / n),
            (variance - law.Variance) / Math.Sqrt(Math.Max(law.FourthCentralMoment - sigma4, 1e-300) / n),
            skewness / Math.Sqrt(6.0 / n),
            (kurtosis - law.ExcessKurtosis) / Math.Sqrt(24.0 / n),
            distance, KolmogorovPValue(distance, n));
    }

    /// <summary>sup |F_n − F| over a sorted sample; ties (discrete laws) are compared at both sides of each value.</summary>
    private static double Distance(ReadOnlySpan<double> sorted, NoiseLaw law)
    {
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && sorted[j] == sorted[i]) j++;
            double v = sorted[i];
            d = Math.Max(d, Math.Abs((double)i / n - law.CdfBelow(v)));
            d = Math.Max(d, Math.Abs((double)j / n - law.Cdf(v)));
            i = j;
        }
        return d;
    }

    /// <summary>
    /// P(K &gt; λ) of the Kolmogorov distribution at λ = (√n + 0.12 + 0.11/√n)·D (Stephens' small-n
    /// correction): the alternating series 2Σ(−1)^{k−1}e^{−2k²λ²} for λ ≥ 1, the theta-function form
    /// 1 − √(2π)/λ·Σ e^{−(2k−1)²π²/(8λ²)} below, where the first converges slowly.
    /// </summary>
    internal static double KolmogorovPValue(double distance, long n)
    {
        double rootN = Math.Sqrt(n);
        double lambda = (rootN + 0.12 + 0.11 / rootN) * distance;
        if (lambda <= 0) return 1;
        if (lambda < 1)
        {
            double sum = 0;
            for (int k = 1; k <= 20; k++)
            {
                double a = (2 * k - 1) * Math.PI / lambda;
                sum += Math.Exp(-a * a / 8);
            }
            return Math.Clamp(1 - Math.Sqrt(2 * Math.PI) / lambda * sum, 0, 1);
        }
        double tail = 0;
        for (int k = 1; k <= 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * lambda * lambda);
            tail += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-300) break;
        }
        return Math.Clamp(tail, 0, 1);
    }
}
