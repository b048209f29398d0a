namespace DpSynth.Privacy.Pld;

/// <summary>
/// Exact privacy loss of the discrete Gaussian mechanism N_ℤ(0, σ²) (Canonne, Kamath &amp; Steinke
/// 2020) when one record moves one integer coordinate by Δ: for output z ∼ N_ℤ(0, σ²),
/// L(z) = log(N_ℤ(z; 0)/N_ℤ(z; Δ)) = (Δ² − 2zΔ)/(2σ²) — the normalising constants cancel
/// because the shift is an integer. Symmetric in the two directions. A release threshold that
/// fails with probability δ_τ adds mass δ_τ at +∞ (and scales the rest by 1 − δ_τ), which
/// dominates both the shared-category and the new-category case.
/// </summary>
internal sealed class DiscreteGaussianLoss(double sigma, int sensitivity, double thresholdDelta) : IPrivacyLossModel
{
    public bool IsSymmetric => true;

    /// <summary>|z| beyond which N_ℤ(0, σ²) has less than the tail mass (Gaussian tail bound, + 1 for the lattice).</summary>
    private long Reach(double tailMass)
        => (long)Math.Ceiling(sigma * Math.Sqrt(2 * Math.Log(2 / tailMass)) + 1);

    private double Loss(long z) => (sensitivity * (double)sensitivity - 2.0 * z * sensitivity) / (2 * sigma * sigma);

    public (double Min, double Max) LossRange(LossDirection direction, double tailMass)
    {
        long r = Reach(tailMass);
        return (Loss(r), Loss(-r));
    }

    public LossPmf Discretise(double interval, LossDirection direction, double tailMass)
    {
        long r = Reach(tailMass);
        var (min, max) = LossRange(direction, tailMass);
        var builder = new LossPmfBuilder(interval, (long)Math.Floor(min / interval), (long)Math.Ceiling(max / interval) + 1);
        // The normaliser sums twice as far out so that it is exact to double precision; the mass
        // beyond ±r that is then not placed on the grid goes to +∞ (pessimistic).
        double normaliser = 0;
        for (long z = -2 * r; z <= 2 * r; z++) normaliser += Math.Exp(-(double)z * z / (2 * sigma * sigma));
        double kept = 0;
        for (long z = -r; z <= r; z++)
        {
            double p = Math.Exp(-(double)z * z / (2 * sigma * sigma)) / normaliser * (1 - thresholdDelta);
            builder.AddPoint(Loss(z), p);
            kept += p;
        }
        builder.AddInfinity(thresholdDelta + Math.Max(0, (1 - thresholdDelta) - kept));
        return builder.Build();
    }
}
