namespace DpSynth.Models.Audit;

/// <summary>
/// Faults injected into the training and encoding code for an audit's positive controls. Internal
/// on purpose: the only way in from outside the assembly is a <see cref="PositiveControl"/> handed to
/// an audit, so no fit a user runs can carry one. <see cref="None"/> changes nothing.
/// </summary>
/// <param name="NoiseDivisor">DP-SGD noise std is divided by this while the ledger records the calibrated σ (1: sound).</param>
/// <param name="SkipClipping">DP-SGD adds every example's gradient unclipped while the noise stays σ·C.</param>
/// <param name="ExactCategorySets">Categories the schema leaves private are taken from the data without DP (the ledger still records the DP stage).</param>
internal sealed record AuditFaults(double NoiseDivisor = 1, bool SkipClipping = false, bool ExactCategorySets = false)
{
    /// <summary>No fault.</summary>
    public static AuditFaults None { get; } = new();

    /// <summary>The faults that break a mechanism as <paramref name="control"/> describes.</summary>
    public static AuditFaults For(PositiveControl control) => control switch
    {
        PositiveControl.NoiseDividedByTen => new(NoiseDivisor: 10),
        PositiveControl.ClippingDisabled => new(SkipClipping: true),
        PositiveControl.CategoriesWithoutDp => new(ExactCategorySets: true),
        _ => None,
    };
}
