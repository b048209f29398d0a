namespace DpSynth.Privacy.Pld;

/// <summary>
/// The dominating pair of an (ε, δ)-DP mechanism (Kairouz, Oh &amp; Viswanath 2015): loss +∞ with
/// probability δ, +ε with (1−δ)·e^ε/(1+e^ε) and −ε with (1−δ)/(1+e^ε). Any (ε, δ)-DP
/// mechanism's privacy profile lies below this pair's, in both directions.
/// </summary>
internal sealed class RandomizedResponseLoss(double epsilon, double delta) : IPrivacyLossModel
{
    public bool IsSymmetric => true;

    public (double Min, double Max) LossRange(LossDirection direction, double tailMass) => (-epsilon, epsilon);

    public LossPmf Discretise(double interval, LossDirection direction, double tailMass)
    {
        long lo = (long)Math.Floor(-epsilon / interval), hi = (long)Math.Ceiling(epsilon / interval) + 1;
        var builder = new LossPmfBuilder(interval, lo, hi);
        double pHigh = 1 / (1 + Math.Exp(-epsilon)); // e^ε/(1+e^ε) without overflow
        builder.AddPoint(epsilon, (1 - delta) * pHigh);
        builder.AddPoint(-epsilon, (1 - delta) * (1 - pHigh));
        builder.AddInfinity(delta);
        return builder.Build();
    }
}
