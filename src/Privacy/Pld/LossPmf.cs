using System.Numerics.Tensors;

namespace DpSynth.Privacy.Pld;

/// <summary>Which of the two orderings of a neighbouring pair a privacy loss describes.</summary>
internal enum LossDirection
{
    /// <summary>P = output on the larger dataset, Q = output on the smaller (a record was removed).</summary>
    Remove,
    /// <summary>P = output on the smaller dataset, Q = output on the larger (a record was added).</summary>
    Add,
}

/// <summary>
/// A privacy loss distribution on the grid {k·Δ}: Mass[i] is the probability (under P) of loss
/// (MinIndex + i)·Δ, and InfinityMass that of loss +∞ (outputs Q cannot produce, or tails cut off).
/// </summary>
internal sealed class LossPmf(double interval, long minIndex, double[] mass, double infinityMass)
{
    public double Interval { get; } = interval;
    public long MinIndex { get; } = minIndex;
    public double[] Mass { get; } = mass;
    public double InfinityMass { get; } = infinityMass;
    public long MaxIndex => MinIndex + Mass.Length - 1;

    /// <summary>log Σᵢ Mass[i]·e^{λ·lossᵢ}, the log moment generating function of the finite part (for Chernoff bounds).</summary>
    public double LogMgf(double lambda)
    {
        // Vectorised: the window search evaluates this for dozens of λ over tens of thousands of points.
        if (_logMass is null)
        {
            _logMass = new double[Mass.Length];
            _loss = new double[Mass.Length];
            TensorPrimitives.Log(Mass, _logMass);
            for (int i = 0; i < Mass.Length; i++) _loss[i] = (MinIndex + i) * Interval;
        }
        var terms = _terms ??= new double[Mass.Length];
        TensorPrimitives.MultiplyAdd(_loss!, lambda, _logMass, terms);
        double max = TensorPrimitives.Max(terms);
        if (double.IsNegativeInfinity(max)) return max;
        TensorPrimitives.Subtract(terms, max, terms);
        TensorPrimitives.Exp(terms, terms);
        return max + Math.Log(TensorPrimitives.Sum(terms));
    }

    private double[]? _logMass, _loss, _terms;
}

/// <summary>
/// Builds a <see cref="LossPmf"/> with pessimistic rounding. Probability that sits between two
/// grid points a &lt; b is split between them so that its mass and its E[e^{−L}] are both kept.
/// Since (1 − e^{ε−L})₊ = (1 − e^ε·u)₊ is convex in u = e^{−L}, that split is a mean-preserving
/// spread in u and by Jensen can only raise δ(ε) for every ε — also after composition, because
/// the composed δ is convex in each step's u separately. This is the "connect-the-dots"
/// discretisation of Doroshenko, Ghazi, Kamath, Kumar &amp; Manurangsi (2022): an upper bound whose
/// error is second order in Δ per step, where plain rounding up would add Δ/2 per step.
/// </summary>
internal sealed class LossPmfBuilder
{
    private readonly double _interval;
    private readonly long _minIndex;
    private readonly double[] _mass;
    private readonly double _expMinusInterval, _oneMinusExpMinusInterval;
    private double _infinity;

    public LossPmfBuilder(double interval, long minIndex, long maxIndex)
    {
        _interval = interval;
        _minIndex = minIndex;
        _mass = new double[checked((int)(maxIndex - minIndex + 1))];
        _expMinusInterval = Math.Exp(-interval);
        _oneMinusExpMinusInterval = -Numerics.Exponential.MinusOne(-interval);
    }

    public void AddInfinity(double mass) => _infinity += mass;

    /// <summary>Puts mass at grid index k (used for tails rounded up to the lowest grid point).</summary>
    public void AddAtIndex(long k, double mass) => _mass[k - _minIndex] += mass;

    /// <summary>Mass concentrated at one loss value, split between the neighbouring grid points.</summary>
    public void AddPoint(double loss, double mass)
    {
        if (mass <= 0) return;
        double scaled = loss / _interval;
        long a = (long)Math.Floor(scaled);
        double offset = scaled - a;
        if (offset <= 0) { AddAtIndex(a, mass); return; }
        // ratio = e^{a·Δ − loss} ∈ (e^{−Δ}, 1]; weight on a = (ratio − e^{−Δ})/(1 − e^{−Δ}).
        double ratio = Math.Exp(-offset * _interval);
        SplitBucket(a, mass, ratio);
    }

    /// <summary>
    /// Mass <paramref name="pMass"/> (under P) with loss in [kΔ, (k+1)Δ), whose Q-probability is
    /// <paramref name="qMass"/>; since e^{−L} = dQ/dP, E_P[e^{−L}; bucket] = qMass.
    /// </summary>
    public void AddBucket(long k, double pMass, double qMass)
    {
        if (pMass <= 0) return;
        double ratio = qMass * Math.Exp(k * _interval) / pMass; // E[e^{−(L − kΔ)} | bucket]
        if (!double.IsFinite(ratio)) ratio = _expMinusInterval;  // overflow: round up, still pessimistic
        SplitBucket(k, pMass, ratio);
    }

    private void SplitBucket(long a, double mass, double ratio)
    {
        ratio = Math.Clamp(ratio, _expMinusInterval, 1.0);
        double lowWeight = Math.Clamp((ratio - _expMinusInterval) / _oneMinusExpMinusInterval, 0, 1);
        _mass[a - _minIndex] += mass * lowWeight;
        _mass[a + 1 - _minIndex] += mass * (1 - lowWeight);
    }

    public LossPmf Build()
    {
        // Trim zero ends so that later loops and Chernoff bounds see the true support.
        int lo = 0, hi = _mass.Length - 1;
        while (lo < hi && _mass[lo] == 0) lo++;
        while (hi > lo && _mass[hi] == 0) hi--;
        return new LossPmf(_interval, _minIndex + lo, _mass[lo..(hi + 1)], _infinity);
    }
}
