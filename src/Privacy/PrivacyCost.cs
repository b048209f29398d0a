using System.Text.Json.Serialization;
using DpSynth.Privacy.Pld;

namespace DpSynth.Privacy;

/// <summary>
/// The privacy cost of one ledger stage, in a form both accountants can compose: an RDP curve
/// (for <see cref="Rdp.RdpAccountant"/>) and a privacy-loss model (for <see cref="PldAccountant"/>).
/// Costs are data-independent: they are computed from parameters before the data is touched,
/// which is what lets the ledger refuse a stage before spending it. All costs are for
/// add/remove-one-record neighbours.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SubsampledGaussianCost), "subsampled_gaussian")]
[JsonDerivedType(typeof(DiscreteGaussianCost), "discrete_gaussian")]
[JsonDerivedType(typeof(PureDpCost), "pure_dp")]
[JsonDerivedType(typeof(ExponentialMechanismCost), "exponential_mechanism")]
[JsonDerivedType(typeof(ApproximateDpCost), "approximate_dp")]
public abstract record PrivacyCost
{
    /// <summary>Whether <see cref="RdpAt"/> describes the stage (otherwise only the additive part does).</summary>
    internal virtual bool HasRdpCurve => true;

    /// <summary>RDP of the whole stage (all its repetitions) at order α &gt; 1.</summary>
    internal abstract double RdpAt(double order);

    /// <summary>ε composed with basic composition on top of the RDP curve.</summary>
    internal virtual double AdditiveEpsilon => 0;

    /// <summary>δ composed with basic composition on top of the RDP curve.</summary>
    internal virtual double AdditiveDelta => 0;

    /// <summary>The privacy loss of one repetition, for the PLD accountant.</summary>
    internal abstract IPrivacyLossModel LossModel { get; }

    /// <summary>How many times the loss model is self-composed.</summary>
    internal virtual long Repetitions => 1;

    /// <summary>
    /// Equal for costs whose <see cref="LossModel"/> is the same distribution, so that the PLD
    /// accountant can compose them as one model raised to their summed <see cref="Repetitions"/>.
    /// </summary>
    internal virtual object LossModelKey => this;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on impossible parameters.</summary>
    internal abstract void Validate();
}

/// <summary>
/// <paramref name="Steps"/> steps of the Gaussian mechanism with noise multiplier σ (noise
/// standard deviation over L2 sensitivity) on a Poisson subsample with rate q — DP-SGD.
/// With q = 1 and one step it is the plain Gaussian mechanism.
/// </summary>
/// <param name="NoiseMultiplier">σ &gt; 0.</param>
/// <param name="SampleRate">q ∈ (0, 1].</param>
/// <param name="Steps">Number of steps, ≥ 1.</param>
public sealed record SubsampledGaussianCost(double NoiseMultiplier, double SampleRate, long Steps) : PrivacyCost
{
    internal override double RdpAt(double order) => Steps * Rdp.SubsampledGaussianRdp.Compute(SampleRate, NoiseMultiplier, order);
    internal override IPrivacyLossModel LossModel => new SubsampledGaussianLoss(NoiseMultiplier, SampleRate);
    internal override long Repetitions => Steps;
    internal override object LossModelKey => (typeof(SubsampledGaussianLoss), NoiseMultiplier, SampleRate);
    internal override void Validate()
    {
        CostValidation.Positive(NoiseMultiplier, "noise multiplier");
        CostValidation.SampleRate(SampleRate);
        CostValidation.Steps(Steps);
    }
}

/// <summary>
/// The discrete Gaussian mechanism (Canonne, Kamath &amp; Steinke 2020) on integer counts where one
/// record changes one coordinate by at most <paramref name="Sensitivity"/>, optionally with a
/// release threshold that fails with probability <paramref name="ThresholdDelta"/> (the DP
/// histogram's discovery of undeclared categories). RDP: α·Δ²/(2σ²) (CKS20, Thm. 4) plus the
/// threshold δ by basic composition; PLD: the exact discrete loss, with the threshold δ as mass at +∞.
/// </summary>
/// <param name="Sigma">Scale σ of the discrete Gaussian, &gt; 0.</param>
/// <param name="Sensitivity">Largest change of one coordinate, a positive integer.</param>
/// <param name="ThresholdDelta">Probability that a category present only in the larger dataset is released, ∈ [0, 1).</param>
public sealed record DiscreteGaussianCost(double Sigma, int Sensitivity, double ThresholdDelta = 0) : PrivacyCost
{
    internal override double RdpAt(double order) => order * Sensitivity * (double)Sensitivity / (2 * Sigma * Sigma);
    internal override double AdditiveDelta => ThresholdDelta;
    internal override IPrivacyLossModel LossModel => new DiscreteGaussianLoss(Sigma, Sensitivity, ThresholdDelta);
    internal override void Validate()
    {
        CostValidation.Positive(Sigma, "sigma");
        if (Sensitivity < 1) throw new ArgumentOutOfRangeException(nameof(Sensitivity), Sensitivity, "sensitivity must be a positive integer");
        if (!(ThresholdDelta >= 0 && ThresholdDelta < 1)) throw new ArgumentOutOfRangeException(nameof(ThresholdDelta), ThresholdDelta, "threshold delta must be in [0, 1)");
    }
}

/// <summary>
/// A pure ε-DP mechanism (Laplace, exponential mechanism). RDP: min(ε, α·ρ) where ρ is a
/// zCDP bound — ε²/2 for any ε-DP mechanism (Bun &amp; Steinke 2016, Prop. 3.3) or ε²/8 for the
/// exponential mechanism (Cesar &amp; Rogers 2021). PLD: randomized response with ±ε, which
/// dominates every ε-DP pair (Kairouz, Oh &amp; Viswanath 2015).
/// </summary>
/// <param name="Epsilon">ε ≥ 0.</param>
/// <param name="ZcdpRho">A zCDP parameter the mechanism is known to satisfy; ε²/2 when null.</param>
public sealed record PureDpCost(double Epsilon, double? ZcdpRho = null) : PrivacyCost
{
    internal override double RdpAt(double order) => Math.Min(Epsilon, order * (ZcdpRho ?? Epsilon * Epsilon / 2));
    internal override IPrivacyLossModel LossModel => new RandomizedResponseLoss(Epsilon, 0);
    internal override object LossModelKey => (typeof(RandomizedResponseLoss), Epsilon, 0.0);
    internal override void Validate()
    {
        CostValidation.NonNegative(Epsilon, "epsilon");
        if (ZcdpRho is double rho) CostValidation.NonNegative(rho, "zCDP rho");
    }
}

/// <summary>
/// <paramref name="Releases"/> runs of an exponential mechanism (McSherry &amp; Talwar 2007) whose
/// utility has sensitivity ≤ 1 and whose weights are exp(ε·u/2), such as the DP quantiles of
/// <see cref="Mechanisms.DpQuantiles"/>. Each run is ε-DP and, more usefully, ε-bounded-range: its
/// privacy loss lies in an interval of width ε (Durfee &amp; Rogers 2019). RDP: per run
/// min(ε, α·ε²/8), the bounded-range zCDP bound (Cesar &amp; Rogers 2021), times the number of runs.
/// PLD: the runs are composed as <paramref name="Releases"/> repetitions of the pair that
/// dominates every ε-bounded-range mechanism (tighter than randomized response with ε, which
/// dominates every ε-DP mechanism and is still what <see cref="PureDpCost"/> uses).
/// </summary>
/// <param name="EpsilonPerRelease">ε ≥ 0 of one run.</param>
/// <param name="Releases">Number of runs m ≥ 1.</param>
public sealed record ExponentialMechanismCost(double EpsilonPerRelease, long Releases) : PrivacyCost
{
    /// <summary>The stage's pure-DP ε by basic composition, m·ε (a bound; the accountants compose more tightly).</summary>
    public double TotalEpsilon => Releases * EpsilonPerRelease;

    /// <summary>The stage's zCDP parameter, m·ε²/8.</summary>
    public double ZcdpRho => Releases * EpsilonPerRelease * EpsilonPerRelease / 8;

    internal override double RdpAt(double order)
        => Releases * Math.Min(EpsilonPerRelease, order * EpsilonPerRelease * EpsilonPerRelease / 8);
    internal override IPrivacyLossModel LossModel => new BoundedRangeLoss(EpsilonPerRelease);
    internal override long Repetitions => Releases;
    internal override object LossModelKey => (typeof(BoundedRangeLoss), EpsilonPerRelease);
    internal override void Validate()
    {
        CostValidation.NonNegative(EpsilonPerRelease, "epsilon per release");
        if (Releases < 1) throw new ArgumentOutOfRangeException(nameof(Releases), Releases, $"releases must be at least 1, got {Releases}");
    }
}

/// <summary>
/// An (ε, δ)-DP mechanism with no finer description. RDP accountant: basic composition;
/// PLD: the dominating pair of Kairouz et al. (2015) — mass δ at +∞ and randomized response.
/// </summary>
/// <param name="Epsilon">ε ≥ 0.</param>
/// <param name="Delta">δ ∈ [0, 1).</param>
public sealed record ApproximateDpCost(double Epsilon, double Delta) : PrivacyCost
{
    internal override bool HasRdpCurve => false;
    internal override double RdpAt(double order) => 0;
    internal override double AdditiveEpsilon => Epsilon;
    internal override double AdditiveDelta => Delta;
    internal override IPrivacyLossModel LossModel => new RandomizedResponseLoss(Epsilon, Delta);
    internal override void Validate()
    {
        CostValidation.NonNegative(Epsilon, "epsilon");
        if (!(Delta >= 0 && Delta < 1)) throw new ArgumentOutOfRangeException(nameof(Delta), Delta, "delta must be in [0, 1)");
    }
}
