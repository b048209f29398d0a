using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Privacy.Ledger;

/// <summary>
/// A guarantee under replace-one neighbours that composes an add/remove-one ledger (a fit) with a
/// replace-one μ-GDP release (e.g. Lipschitz-VAE twins), each part stated separately.
/// </summary>
/// <param name="FitEpsilonAddRemove">ε of the fit's ledger under add/remove-one, at <paramref name="FitDeltaAddRemove"/>.</param>
/// <param name="FitDeltaAddRemove">δ at which the fit's ledger was read.</param>
/// <param name="FitEpsilonReplaceOne">2·ε of the fit: group privacy for a group of 2.</param>
/// <param name="FitDeltaReplaceOne">(1 + e^ε)·δ of the fit.</param>
/// <param name="ReleaseMu">μ of the release (replace-one μ-GDP).</param>
/// <param name="ReleaseEpsilon">ε of the release at <paramref name="ReleaseDelta"/>, by the exact GDP conversion.</param>
/// <param name="ReleaseDelta">δ of the release.</param>
/// <param name="Epsilon">Total ε under replace-one (basic composition: the sum).</param>
/// <param name="Delta">Total δ under replace-one (the sum).</param>
public sealed record ReplaceOneGuarantee(
    double FitEpsilonAddRemove, double FitDeltaAddRemove,
    double FitEpsilonReplaceOne, double FitDeltaReplaceOne,
    double ReleaseMu, double ReleaseEpsilon, double ReleaseDelta,
    double Epsilon, double Delta)
{
    /// <summary>The neighbouring relation of the total.</summary>
    public NeighbouringRelation Neighbouring => NeighbouringRelation.ReplaceOne;
}

/// <summary>
/// Composes an add/remove-one ledger with a replace-one Gaussian (μ-GDP) release, through stated and
/// sourced conversions only — no stage is reinterpreted:
/// <list type="number">
/// <item>Replace-one from add/remove (group privacy, group of 2): replacing x by x′ is removing x and
/// adding x′, two add/remove steps through D∖{x}, so an (ε, δ)-DP mechanism under add/remove is
/// (2ε, (1 + e^ε)·δ)-DP under replace-one (Dwork &amp; Roth 2014, Thm. 2.2 and its (ε, δ) form:
/// P[M(D) ∈ S] ≤ e^ε(e^ε·P[M(D′) ∈ S] + δ) + δ).</item>
/// <item>Basic composition (Dwork &amp; Roth 2014, Thm. 3.16, adaptive): an (ε₁, δ₁) and an (ε₂, δ₂)
/// mechanism under the same relation compose to (ε₁ + ε₂, δ₁ + δ₂). It is loose, but it needs nothing
/// about the shape of either part's privacy loss.</item>
/// <item>The release's ε at its δ from μ-GDP exactly (<see cref="GaussianDifferentialPrivacy"/>).</item>
/// </list>
/// Of the total δ, half goes to the release and half to the fit after conversion, i.e. the fit's
/// ledger is read at the δ_a with (1 + e^{ε(δ_a)})·δ_a ≤ δ/2.
/// </summary>
public static class ReplaceOneComposition
{
    /// <summary>Group privacy for a group of two: (ε, δ) under add/remove-one ⇒ (2ε, (1 + e^ε)·δ) under replace-one.</summary>
    public static (double Epsilon, double Delta) FromAddRemove(double epsilon, double delta)
    {
        CostValidation.NonNegative(epsilon, "epsilon");
        if (!(delta >= 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in [0, 1)");
        return (2 * epsilon, (1 + Math.Exp(epsilon)) * delta);
    }

    /// <summary>
    /// The largest δ_a (up to a factor 0.999 per refinement) at which the fit's ε_a = ε(δ_a) satisfies
    /// (1 + e^{ε_a})·δ_a ≤ <paramref name="deltaShare"/>, and that ε_a.
    /// </summary>
    /// <param name="fitEpsilonAt">ε of the add/remove ledger at a δ (e.g. <see cref="PrivacyLedger.EpsilonAt"/>).</param>
    /// <param name="deltaShare">The δ the converted fit may take.</param>
    public static (double Epsilon, double Delta) FitShare(Func<double, double> fitEpsilonAt, double deltaShare)
    {
        ArgumentNullException.ThrowIfNull(fitEpsilonAt);
        CostValidation.Delta(deltaShare);
        double deltaA = deltaShare / 2;
        for (int i = 0; i < 200; i++)
        {
            double epsilonA = fitEpsilonAt(deltaA);
            if (double.IsPositiveInfinity(epsilonA))
                throw new ArgumentException(FormattableString.Invariant(
                    $"the fit's ledger has no finite epsilon at delta {deltaA:0.###e0}, which its replace-one share needs (stages such as thresholded category discovery spend a fixed delta); give a larger total delta or declare the categories public"));
            if ((1 + Math.Exp(epsilonA)) * deltaA <= deltaShare) return (epsilonA, deltaA);
            deltaA = 0.999 * deltaShare / (1 + Math.Exp(epsilonA));
            if (!(deltaA >= 1e-300))
                throw new ArgumentException(FormattableString.Invariant(
                    $"the fit's epsilon {epsilonA:0.###} is too large for the group-privacy conversion to replace-one neighbours (its delta would be multiplied by 1 + e^epsilon)"));
        }
        throw new InvalidOperationException("the fit's delta share did not converge");
    }

    /// <summary>The replace-one guarantee of the fit read through <paramref name="fitEpsilonAt"/> and a μ-GDP release, at total δ.</summary>
    /// <param name="fitEpsilonAt">ε of the add/remove fit ledger at a given δ.</param>
    /// <param name="releaseMu">μ of the release.</param>
    /// <param name="delta">Total δ (half to the release, half to the converted fit).</param>
    public static ReplaceOneGuarantee Compose(Func<double, double> fitEpsilonAt, double releaseMu, double delta)
    {
        CostValidation.Positive(releaseMu, "release mu");
        CostValidation.Delta(delta);
        var (epsA, deltaA) = FitShare(fitEpsilonAt, delta / 2);
        var (epsFit, deltaFit) = FromAddRemove(epsA, deltaA);
        double releaseDelta = delta / 2;
        double releaseEpsilon = GaussianDifferentialPrivacy.Epsilon(releaseMu, releaseDelta);
        return new ReplaceOneGuarantee(epsA, deltaA, epsFit, deltaFit, releaseMu, releaseEpsilon, releaseDelta,
            epsFit + releaseEpsilon, deltaFit + releaseDelta);
    }

    /// <summary>
    /// The largest release μ for which the total replace-one guarantee is (<paramref name="epsilon"/>, <paramref name="delta"/>):
    /// the release gets ε − 2·ε_a at δ/2.
    /// </summary>
    /// <exception cref="ArgumentException">The converted fit alone already reaches ε.</exception>
    public static double ReleaseMuFor(Func<double, double> fitEpsilonAt, double epsilon, double delta)
    {
        CostValidation.Positive(epsilon, "epsilon");
        CostValidation.Delta(delta);
        var (epsA, _) = FitShare(fitEpsilonAt, delta / 2);
        double left = epsilon - 2 * epsA;
        if (!(left > 0))
            throw new ArgumentException(FormattableString.Invariant(
                $"the fit alone costs epsilon {2 * epsA:0.####} under replace-one neighbours (2 x {epsA:0.####} under add/remove), which leaves nothing of {epsilon:R} for the release"));
        return GaussianDifferentialPrivacy.Mu(left, delta / 2);
    }
}
