namespace DpSynth.Models.Generators;

/// <summary>What to sample from a fitted model: the total row count, the seed, which shard of the rows, and which parameter draw.</summary>
/// <param name="Rows">Rows of the whole output (all shards together).</param>
/// <param name="Seed">Seed of the sampling noise (reproducible); null draws a key from the OS CSPRNG.</param>
/// <param name="ShardIndex">Which shard (0-based) this call produces.</param>
/// <param name="ShardCount">Number of shards the rows are split into.</param>
public sealed record SampleRequest(long Rows, ulong? Seed = null, int ShardIndex = 0, int ShardCount = 1)
{
    /// <summary>
    /// Which draw of the model's parameters the rows come from, for models whose synthetic copies are
    /// separate posterior draws (<see cref="FittedModel.CopiesFromOneModel"/> false); a model with one
    /// set of parameters accepts only 0.
    /// </summary>
    public int Draw { get; init; }

    /// <summary>First global row of this shard.</summary>
    public long FirstRow => Rows * ShardIndex / ShardCount;

    /// <summary>One past the last global row of this shard.</summary>
    public long EndRow => Rows * (ShardIndex + 1) / ShardCount;

    /// <summary>Checks the request; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (Rows < 1) throw new ArgumentException($"--rows must be at least 1, got {Rows}");
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount)
            throw new ArgumentException($"shard {ShardIndex}/{ShardCount} is not a shard: give i/n with 0 <= i < n");
        if (Draw < 0) throw new ArgumentException($"the parameter draw must be 0 or more, got {Draw}");
    }

    /// <summary>
    /// The request for synthetic copy <paramref name="copy"/> of <paramref name="copies"/>, each of
    /// <paramref name="rows"/> rows: a model with one set of parameters cuts one sampling stream of
    /// rows·copies rows into disjoint shards (copy m is shard m); a model whose copies are separate
    /// posterior draws samples rows rows from draw m.
    /// </summary>
    public static SampleRequest ForCopy(FittedModel model, long rows, int copy, int copies, ulong? seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.CopiesFromOneModel ? new SampleRequest(rows * copies, seed, copy, copies) : new SampleRequest(rows, seed) { Draw = copy };
    }
}
