using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins.Study;

/// <summary>What a party hands to a twin generator: its private training rows and the budget.</summary>
/// <param name="Party">The party's name (for messages and table sources).</param>
/// <param name="Training">The party's private training table (only the columns the study analyses).</param>
/// <param name="Schema">The schema of <paramref name="Training"/> (public bounds and category lists).</param>
/// <param name="Outcome">The column the analysts regress on the others (a generator with an outcome model, like DPVI, models it given the covariates).</param>
/// <param name="Family">The regression family of <paramref name="Outcome"/>.</param>
/// <param name="Epsilon">The party's privacy budget ε for the whole release.</param>
/// <param name="Delta">δ of the guarantee.</param>
/// <param name="Copies">M, the number of synthetic datasets to release.</param>
/// <param name="Seed">Seed for the generator's randomness (reproducible, not secret); null for secure randomness.</param>
public sealed record TwinReleaseRequest(string Party, Table Training, TableSchema Schema, string Outcome, GlmFamily Family, double Epsilon, double Delta, int Copies, ulong? Seed);

/// <summary>A party's released twin: M synthetic tables and the ε the release spent.</summary>
/// <param name="Copies">The M synthetic tables, each with the columns of the training table.</param>
/// <param name="SpentEpsilon">The ε the release spent (as composed by the generator's ledger); at most the budget.</param>
public sealed record TwinRelease(IReadOnlyList<Table> Copies, double SpentEpsilon);

/// <summary>
/// A pluggable DP twin generator for <see cref="TwinStudy"/>: given one party's training table,
/// schema, budget and seed, it returns M synthetic copies. The study does not care how they are
/// made, so the paper's DPVI generator, TableDiffusion, or a test's fake can be used.
/// </summary>
public interface ITwinGenerator
{
    /// <summary>Short name recorded in the study output, e.g. "tablediffusion".</summary>
    string Name { get; }

    /// <summary>
    /// Whether the M copies are draws from one fitted model (then between-copy variation carries no
    /// parameter uncertainty and Rubin intervals are too narrow — the study states it as a caveat)
    /// rather than each from its own posterior draw.
    /// </summary>
    bool CopiesFromOneModel { get; }

    /// <summary>Releases the twin of one party.</summary>
    /// <param name="request">The party's data, schema, budget and seed.</param>
    /// <param name="cancellation">Cancels the release.</param>
    TwinRelease Release(TwinReleaseRequest request, CancellationToken cancellation);
}
