using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>What to sample: the total row count, the seed and which shard of the rows to produce.</summary>
/// <param name="Rows">Rows of the whole output (all shards together).</param>
/// <param name="Seed">Seed of the sampling noise (reproducible); null draws a key from the OS CSPRNG.</param>
/// <param name="ShardIndex">Which shard (0-based) this call produces.</param>
/// <param name="ShardCount">Number of shards the rows are split into.</param>
public sealed record SampleRequest(long Rows, ulong? Seed = null, int ShardIndex = 0, int ShardCount = 1)
{
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
    }
}

/// <summary>
/// Sampling from a TableDiffusion model. Reverse process: x ~ N(0, I) on the encoded row, then for
/// t = T−1 down to 0, x ← x − √β_t·ε̂(x), subtracting the denoiser's noise prediction at each level
/// (the denoiser is not conditioned on t, as in the paper); the result is decoded through the
/// encoder with categories (and missing indicators) taken by argmax over their one-hot spans.
/// Global row g starts from Gaussian elements g·W .. g·W + W − 1 of a sampling stream of its own,
/// so shards (disjoint row ranges) draw disjoint noise, and with a seed the concatenated shards
/// equal the unsharded output.
/// </summary>
public static class TableDiffusionSampler
{
    /// <summary>Stream id of the sampling noise, apart from training and forward-process noise.</summary>
    public const ulong SamplingStream = 0x53414D504C494E47UL; // "SAMPLING"

    /// <summary>Yields the shard's rows in batches of at most <paramref name="batchRows"/> rows.</summary>
    /// <exception cref="ArgumentException">The request is invalid or the weights do not fit the denoiser.</exception>
    public static IEnumerable<Table> Sample(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows = 4096)
    {
        request.Validate();
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "batches need at least one row");
        return Batches(model, backend, request, batchRows);
    }

    private static IEnumerable<Table> Batches(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows)
    {
        int w = model.Encoder.Width;
        long first = request.FirstRow, end = request.EndRow;
        int capacity = (int)Math.Max(1, Math.Min(batchRows, end - first));
        var key = request.Seed is ulong seed ? NoiseKey.FromSeed(seed, SamplingStream) : NoiseKey.CreateSecure(SamplingStream);
        var scales = model.Options.Betas().Select(b => (float)Math.Sqrt(b)).ToArray();
        var decode = new DecodeOptions { Categories = CategoryDecoding.Argmax };

        using var network = new Network(backend, TableDiffusionModel.Denoiser(w, model.Options), capacity);
        if (network.Parameters.Length != model.Parameters.Length)
            throw new ArgumentException($"The model holds {model.Parameters.Length} denoiser parameters; its hyper-parameters need {network.Parameters.Length}.");
        network.WriteParameters(model.Parameters);
        using var inputStorage = backend.Allocate(capacity, w).Storage;
        var x = new float[capacity * w];
        var prediction = new float[capacity * w];
        for (long start = first; start < end; start += capacity)
        {
            int n = (int)Math.Min(capacity, end - start);
            var rows = x.AsSpan(0, n * w);
            GaussianStream.Fill(key, (ulong)start * (ulong)w, rows);
            var input = inputStorage.View(capacity, w).SliceRows(0, n);
            for (int t = scales.Length - 1; t >= 0; t--)
            {
                backend.Upload(rows, input);
                var predicted = network.Predict(input);
                backend.Download(predicted, prediction.AsSpan(0, n * w));
                float s = scales[t];
                var p = prediction.AsSpan(0, n * w);
                for (int j = 0; j < rows.Length; j++) rows[j] -= s * p[j];
            }
            yield return model.Encoder.Decode(rows, n, decode);
        }
    }
}
