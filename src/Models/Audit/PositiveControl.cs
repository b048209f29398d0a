namespace DpSynth.Models.Audit;

/// <summary>
/// A fault an audit injects on purpose to show that it can fail: the mechanism is broken while its
/// claim (the ledger, the reported ε) stays that of the sound mechanism, so a working audit must
/// report more privacy loss than claimed. Reachable only through the audit API, whose results are
/// audit figures — never a model file or a synthetic table a user could release.
/// </summary>
public enum PositiveControl
{
    /// <summary>The mechanism as shipped.</summary>
    None,

    /// <summary>The noise is a tenth of what the claim assumes (DP-SGD noise multiplier ÷ 10; an exponential mechanism's ε × 10).</summary>
    NoiseDividedByTen,

    /// <summary>DP-SGD's per-example clipping is skipped while the noise stays calibrated to the clip norm.</summary>
    ClippingDisabled,

    /// <summary>Category sets the schema leaves private are read from the data exactly instead of by the DP histogram.</summary>
    CategoriesWithoutDp,
}

/// <summary>Names of <see cref="PositiveControl"/> values for reports and the command line.</summary>
public static class PositiveControlNames
{
    /// <summary>The short name of a control ("none", "noise-div10", "no-clipping", "categories-without-dp").</summary>
    public static string Name(this PositiveControl control) => control switch
    {
        PositiveControl.NoiseDividedByTen => "noise-div10",
        PositiveControl.ClippingDisabled => "no-clipping",
        PositiveControl.CategoriesWithoutDp => "categories-without-dp",
        _ => "none",
    };

    /// <summary>The control called <paramref name="name"/>; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static PositiveControl Parse(string name) => name switch
    {
        "none" => PositiveControl.None,
        "noise-div10" => PositiveControl.NoiseDividedByTen,
        "no-clipping" => PositiveControl.ClippingDisabled,
        "categories-without-dp" => PositiveControl.CategoriesWithoutDp,
        _ => throw new ArgumentException($"unknown positive control '{name}' (expected none, noise-div10, no-clipping or categories-without-dp)"),
    };
}
