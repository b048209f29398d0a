using System.Globalization;

namespace DpSynth.Privacy.Planning;

/// <summary>
/// How a fit's ε is allocated to its stages, as fractions of the total. Training gets whatever the
/// ledger has left after the other stages (calibrated against the ledger's exact composition), so it
/// has no share of its own; a share whose stage does not run is simply not spent.
/// </summary>
public sealed record PlanShares
{
    /// <summary>The DP row count (<see cref="DpRowCount"/>); unused when the schema declares N public. Default 1/50.</summary>
    public double RowCount { get; init; } = 0.02;

    /// <summary>Preprocessing: the encoder's bounds, quantile grids and category sets that the schema leaves private.</summary>
    public double Preprocessing { get; init; }

    /// <summary>Noisy marginals released before training (e.g. TableDiffusion's span marginals).</summary>
    public double Marginals { get; init; }

    /// <summary>Mechanisms run when the model is released or sampled (e.g. a VAE's latent noise).</summary>
    public double ReleaseTime { get; init; }

    /// <summary>Refuses negative shares and shares that leave nothing for training.</summary>
    /// <exception cref="ArgumentException">A share is outside [0, 1) or they sum to 1 or more.</exception>
    public void Validate()
    {
        foreach (var (name, share) in new[] { ("row count", RowCount), ("preprocessing", Preprocessing), ("marginals", Marginals), ("release-time", ReleaseTime) })
            if (!(share >= 0 && share < 1)) throw new ArgumentException($"the {name} share must be in [0, 1), got {share.ToString(CultureInfo.InvariantCulture)}");
        double sum = RowCount + Preprocessing + Marginals + ReleaseTime;
        if (!(sum < 1)) throw new ArgumentException($"the budget shares sum to {sum.ToString(CultureInfo.InvariantCulture)}, leaving nothing for training");
    }
}
