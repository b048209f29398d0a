namespace DpSynth.Privacy.Pld;

/// <summary>
/// A composed privacy loss distribution for add/remove neighbours: one discretised loss
/// distribution per direction. δ(ε) is the larger of the two directions' hockey-stick
/// divergences, δ(ε) = Σ_ℓ P(L = ℓ)·(1 − e^{ε−ℓ})₊ + P(L = +∞).
/// Every value is an upper bound on the true one (pessimistic discretisation and truncation);
/// the floating-point error of the FFT (about 1e-12 in δ) is not bounded rigorously.
/// </summary>
public sealed class PrivacyLossDistribution
{
    private readonly ComposedLoss[] _directions;

    internal PrivacyLossDistribution(double interval, ComposedLoss[] directions)
    {
        DiscretisationInterval = interval;
        _directions = directions;
    }

    /// <summary>The grid spacing Δ of the privacy loss actually used (it may be coarser than requested when the loss range is very wide).</summary>
    public double DiscretisationInterval { get; }

    /// <summary>Probability of infinite loss in the worse direction: cut-off tails plus mechanisms' own δ parts.</summary>
    public double InfinityMass => _directions.Max(d => d.InfinityMass);

    /// <summary>δ(ε): the smallest δ for which the composition is (ε, δ)-DP according to this distribution.</summary>
    /// <param name="epsilon">ε ≥ 0.</param>
    public double DeltaAt(double epsilon)
    {
        CostValidation.NonNegative(epsilon, "epsilon");
        return _directions.Max(d => d.DeltaAt(epsilon));
    }

    /// <summary>ε(δ): the smallest ε ≥ 0 with δ(ε) ≤ δ; +∞ when the infinite-loss mass alone exceeds δ.</summary>
    /// <param name="delta">δ ∈ (0, 1).</param>
    public double EpsilonAt(double delta)
    {
        CostValidation.Delta(delta);
        return _directions.Max(d => d.EpsilonAt(delta));
    }
}

/// <summary>One direction of a composed loss: Mass[i] at loss (MinIndex + i)·Δ, plus mass at +∞.</summary>
internal sealed class ComposedLoss(double interval, long minIndex, double[] mass, double infinityMass)
{
    public double InfinityMass { get; } = infinityMass;

    private double Loss(int i) => (minIndex + i) * interval;

    public double DeltaAt(double epsilon)
    {
        double delta = InfinityMass;
        for (int i = mass.Length - 1; i >= 0 && Loss(i) > epsilon; i--)
            delta += mass[i] * -Numerics.Exponential.MinusOne(epsilon - Loss(i));
        return Math.Min(1, delta);
    }

    /// <summary>
    /// Walks down from the largest loss. Between grid points ℓ_{i−1} ≤ ε &lt; ℓ_i the profile is
    /// δ(ε) = A − e^ε·B with A = Σ_{j≥i} m_j + m_∞ and B = Σ_{j≥i} m_j e^{−ℓ_j}, so the crossing
    /// of the target is solved exactly within the interval where it happens.
    /// </summary>
    public double EpsilonAt(double delta)
    {
        if (InfinityMass >= delta) return double.PositiveInfinity;
        double a = InfinityMass, b = 0;
        for (int i = mass.Length - 1; i >= 0 && Loss(i) > 0; i--)
        {
            a += mass[i];
            b += mass[i] * Math.Exp(-Loss(i));
            double lower = i > 0 ? Math.Max(Loss(i - 1), 0) : 0;
            if (a - Math.Exp(lower) * b > delta)
                return Math.Max(lower, Math.Log((a - delta) / b));
        }
        return 0;
    }
}
