namespace DpSynth.Privacy.Pld;

/// <summary>The privacy loss of one mechanism invocation, discretisable for the PLD accountant.</summary>
internal interface IPrivacyLossModel
{
    /// <summary>True when the add and remove directions have the same loss distribution.</summary>
    bool IsSymmetric { get; }

    /// <summary>
    /// The loss range that carries all but <paramref name="tailMass"/> of the probability, for sizing
    /// grids before anything is allocated.
    /// </summary>
    (double Min, double Max) LossRange(LossDirection direction, double tailMass);

    /// <summary>
    /// A pessimistic discretisation on the grid kΔ: probability beyond the returned range is either
    /// moved to +∞ (upper tail) or up to the lowest grid point (lower tail), both of which can only raise δ.
    /// </summary>
    LossPmf Discretise(double interval, LossDirection direction, double tailMass);
}
