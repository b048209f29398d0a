using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Privacy.Planning;

/// <summary>
/// The row count a fit may use: a discrete Gaussian release of the private N (one record changes
/// N by 1 under add/remove neighbours, so the sensitivity is 1), or a count the schema declares
/// public. Everything size-dependent — the Poisson rate q, the step count, an objective's 1/N scale,
/// the default number of synthetic rows — is derived from <see cref="Rows"/>, never from the exact N.
/// </summary>
/// <param name="Rows">The released (or declared) count, clamped to [<see cref="Minimum"/>, int.MaxValue].</param>
/// <param name="IsPublic">True when the schema declared the count public (no noise, no cost).</param>
public sealed record DpRowCount(long Rows, bool IsPublic)
{
    /// <summary>The ledger stage's name.</summary>
    public const string StageName = "row count";

    /// <summary>
    /// The smallest count released. A noisy count can come out tiny or negative for small tables;
    /// clamping is post-processing, and keeps q = B/Ñ in (0, 1] and the default sample non-empty.
    /// </summary>
    public const long Minimum = 10;

    /// <summary>Largest noise scale a private count is released with: a budget that needs more is refused.</summary>
    public const double MaxSigma = 1e6;

    /// <summary>The mechanism name of a private count.</summary>
    public const string Mechanism = "discrete gaussian (count, sensitivity 1)";

    /// <summary>The mechanism name of a declared count.</summary>
    public const string DeclaredMechanism = "declared public (schema)";

    /// <summary>The ledger stage of a private count released with noise scale <paramref name="sigma"/>.</summary>
    public static LedgerStage Stage(double sigma) => new(StageName, Mechanism, new DiscreteGaussianCost(sigma, 1))
    {
        Parameters = new Dictionary<string, double> { ["sigma"] = sigma, ["minimum"] = Minimum },
    };

    /// <summary>The ledger stage that records a declared public count (it costs nothing; the value is in the schema).</summary>
    public static LedgerStage DeclaredStage() => new(StageName, DeclaredMechanism, new PureDpCost(0));

    /// <summary>
    /// Releases N + Z, Z ~ N_ℤ(0, σ²), clamped. The caller spends <see cref="Stage"/> first; this
    /// only draws. The exact N is read here and nowhere returned.
    /// </summary>
    public static DpRowCount Release(long exactRows, double sigma, IRandomSource random)
    {
        long noisy = exactRows + new DiscreteGaussianSampler(sigma, random).Sample();
        return new DpRowCount(Math.Clamp(noisy, Minimum, int.MaxValue), false);
    }
}
