namespace DpSynth.Privacy.Pld;

/// <summary>
/// A dominating pair for every ε-bounded-range mechanism (Durfee &amp; Rogers 2019) — every pair
/// whose privacy loss lies in some interval of width ε, which includes the exponential mechanism
/// with a sensitivity-1 utility and weights exp(ε·u/2) under either neighbour ordering.
/// <para>
/// Derivation. For a pair with X = dP/dQ ∈ [c, c·e^ε] and E_Q[X] = 1, the hockey-stick
/// divergence E_Q[(X − α)₊] is convex in X, so it is largest when X sits on the two ends; its
/// supremum over c is h(α) = (e^{ε/2} − √α)²/(e^ε − 1) for 1 ≤ α ≤ e^ε (0 above), and the family
/// is closed under swapping P and Q, which gives h(α) = 1 − α + α·h(1/α) for α &lt; 1. h is
/// convex, so it is the privacy profile of one pair, which dominates the family at every α ≥ 0
/// and therefore under adaptive composition (Zhu, Dong &amp; Wang 2022). From h'' the pair is:
/// loss L ∈ [−ε, ε] with density e^{ε/2}·e^{ℓ/2}/(2(e^ε − 1)) under P and
/// e^{ε/2}·e^{−ℓ/2}/(2(e^ε − 1)) under Q — symmetric in the two directions.
/// Its total variation is tanh(ε/4), against tanh(ε/2) for randomized response, which is why
/// composed exponential mechanisms cost far less here than as generic ε-DP stages.
/// </para>
/// </summary>
internal sealed class BoundedRangeLoss(double epsilon) : IPrivacyLossModel
{
    public bool IsSymmetric => true;

    public (double Min, double Max) LossRange(LossDirection direction, double tailMass) => (-epsilon, epsilon);

    public LossPmf Discretise(double interval, LossDirection direction, double tailMass)
    {
        long lo = (long)Math.Floor(-epsilon / interval), hi = (long)Math.Ceiling(epsilon / interval);
        var builder = new LossPmfBuilder(interval, lo, hi + 1);
        if (epsilon == 0)
        {
            builder.AddPoint(0, 1);
            return builder.Build();
        }
        // P([a, b]) = C·(e^{b/2} − e^{a/2}) and Q([a, b]) = C·(e^{−a/2} − e^{−b/2}), C = e^{ε/2}/(e^ε − 1),
        // each written as e^{x}·expm1(w) so that narrow buckets keep their relative precision.
        double logC = epsilon / 2 - LogExpm1(epsilon);
        for (long k = lo; k < hi; k++)
        {
            double a = Math.Max(k * interval, -epsilon), b = Math.Min((k + 1) * interval, epsilon);
            if (!(b > a)) continue;
            double half = (b - a) / 2;
            double expm1Half = Numerics.Exponential.MinusOne(half);
            double p = Math.Exp(logC + a / 2) * expm1Half;
            double q = Math.Exp(logC - b / 2) * expm1Half;
            builder.AddBucket(k, p, q);
        }
        return builder.Build();
    }

    /// <summary>log(e^x − 1) for x &gt; 0, without overflow for large x.</summary>
    private static double LogExpm1(double x) => x > 30 ? x + MathNet.Numerics.SpecialFunctions.Log1p(-Math.Exp(-x)) : Math.Log(Numerics.Exponential.MinusOne(x));
}
