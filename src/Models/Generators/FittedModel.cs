using DpSynth.Kernels;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators;

/// <summary>
/// A fitted generator of any kind: the schema it was fitted under, its privacy ledger, a typed
/// summary of the fit; it samples synthetic rows (post-processing, no budget) and saves itself as
/// a model file that <see cref="GeneratorRegistry.Load"/> reads back by kind.
/// </summary>
public abstract class FittedModel
{
    /// <summary>The generator kind (the registry's and the model file's name).</summary>
    public abstract string Kind { get; }

    /// <summary>The kind with its main settings, one line, e.g. "tablediffusion (default)".</summary>
    public abstract string Description { get; }

    /// <summary>The schema the model was fitted under.</summary>
    public abstract TableSchema Schema { get; }

    /// <summary>The privacy ledger of the fit; null when the file was loaded without it.</summary>
    public abstract PrivacyLedger? Ledger { get; }

    /// <summary>What the fit did: ε per stage, σ, steps, timings.</summary>
    public abstract FitSummary Summary { get; }

    /// <summary>The values each modelled column can take in sampled rows (public, or DP-released), in schema order.</summary>
    public abstract IReadOnlyList<ColumnDomain> Domains { get; }

    /// <summary>
    /// Whether synthetic copies are draws from this one set of parameters (then between-copy variation
    /// carries no parameter uncertainty and Rubin intervals are too narrow), rather than each from its
    /// own posterior draw (<see cref="SampleRequest.Draw"/>).
    /// </summary>
    public abstract bool CopiesFromOneModel { get; }

    /// <summary>
    /// Generates the request's shard in batches of at most about <paramref name="batchRows"/> rows
    /// (memory constant in the row count). Global row g is addressed in the sampling stream by g, so
    /// with a seed the shards of a request concatenate to the unsharded output, and a fixed seed gives
    /// the same rows on every run. Rows are in the schema's modelled columns, in schema order.
    /// </summary>
    /// <param name="request">Rows, seed, shard and parameter draw.</param>
    /// <param name="backend">Compute backend; required by models of generators that use one (<see cref="Generator.UsesBackend"/>).</param>
    /// <param name="batchRows">Rows per batch, at most about.</param>
    /// <exception cref="ArgumentException">The request is invalid for this model.</exception>
    public abstract IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048);

    /// <summary>Saves the model (through a temporary file renamed on success).</summary>
    public abstract void Save(string path);
}
