using DpSynth.Privacy.Auditing;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// What one mechanism audit measured on a neighbouring pair: a privacy quantity (GDP μ, ε of the
/// optimal test, or a release probability) with its confidence interval, the value the claim
/// allows, the value a correct implementation gives for this pair, and a check of the noise itself.
/// </summary>
public sealed record MechanismAuditRow
{
    /// <summary>The mechanism, e.g. "gaussian (chacha20 stream)".</summary>
    public required string Mechanism { get; init; }

    /// <summary>Where and how it ran: backend, noise scale, sensitivity, the pair.</summary>
    public required string Setting { get; init; }

    /// <summary>"mu", "epsilon" or "release probability".</summary>
    public required string Quantity { get; init; }

    /// <summary>The largest value the mechanism's privacy claim allows (the ledger's μ, ε or δ_τ).</summary>
    public required double Claimed { get; init; }

    /// <summary>The value a correct implementation has for this pair and test, computed exactly.</summary>
    public required double Exact { get; init; }

    /// <summary>The point estimate from the draws.</summary>
    public double Estimate { get; init; } = double.NaN;

    /// <summary>Lower end of the confidence interval: an empirical lower bound on the quantity.</summary>
    public double Lower { get; init; } = double.NaN;

    /// <summary>Upper end of the confidence interval.</summary>
    public double Upper { get; init; } = double.NaN;

    /// <summary>Outputs drawn on each input of the pair.</summary>
    public long Draws { get; init; }

    /// <summary>Moments and KS distance of the noise against its law, where the noise is observable.</summary>
    public NoiseCheck? Noise { get; init; }

    /// <summary>The fault injected, if this row is a positive control.</summary>
    public PositiveControl Control { get; init; }

    /// <summary>Why the row was not run (e.g. no CUDA device), or null.</summary>
    public string? Skipped { get; init; }

    /// <summary>The empirical lower bound exceeds the claim: the mechanism leaks more than it says.</summary>
    public bool Violation => Skipped is null && Lower > Claimed;

    /// <summary>The interval contains the exact value and the noise matches its law: the implementation behaves as derived.</summary>
    public bool Consistent => Skipped is null && Lower <= Exact && Exact <= Upper && (Noise?.Consistent ?? true);

    /// <summary>A sound row has no violation and is consistent; a positive control passes when it is caught (a violation).</summary>
    public bool Passed => Skipped is not null || (Control == PositiveControl.None ? !Violation && Consistent : Violation);
}
