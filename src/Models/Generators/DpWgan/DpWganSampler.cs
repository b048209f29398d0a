using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// Sampling from a DP-WGAN model: global row g runs the generator on Gaussian elements
/// g·d .. g·d + d − 1 of a sampling stream of its own, and its categories and bin positions are
/// drawn from uniforms addressed by g too — so shards (disjoint row ranges) draw disjoint noise,
/// and with a seed the concatenated shards equal the unsharded output. Post-processing: no budget.
/// </summary>
public static class DpWganSampler
{
    /// <summary>Stream id of the sampling latents, apart from the training streams.</summary>
    public const ulong SamplingStream = 0x5747414E534D504CUL; // "WGANSMPL"

    /// <summary>Yields the shard's rows in batches of at most <paramref name="batchRows"/> rows.</summary>
    /// <exception cref="ArgumentException">The request is invalid or the weights do not fit the generator.</exception>
    public static IEnumerable<Table> Sample(DpWganModel model, IComputeBackend backend, SampleRequest request, int batchRows = 2048)
    {
        request.Validate();
        if (request.Draw != 0) throw new ArgumentException($"a DP-WGAN model has one set of parameters: parameter draw {request.Draw} does not exist (copies are shards of one sampling stream)");
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "batches need at least one row");
        return Batches(model, backend, request, batchRows);
    }

    private static IEnumerable<Table> Batches(DpWganModel model, IComputeBackend backend, SampleRequest request, int batchRows)
    {
        var encoder = model.Encoder;
        int w = encoder.Width;
        long first = request.FirstRow, end = request.EndRow;
        int capacity = (int)Math.Max(1, Math.Min(batchRows, end - first));
        var key = request.Seed is ulong seed ? NoiseKey.FromSeed(seed, SamplingStream) : NoiseKey.CreateSecure(SamplingStream);
        using var generator = new GeneratorRunner(backend, DpWganNetworks.Generator(w, encoder.SoftmaxSpans, model.Options), capacity, RowPartition.DefaultWorkers, 0);
        if (generator.Network.Parameters.Length != model.Parameters.Length)
            throw new ArgumentException($"The model holds {model.Parameters.Length} generator parameters; its hyper-parameters need {generator.Network.Parameters.Length}.");
        generator.Network.WriteParameters(model.Parameters);
        var host = new float[capacity * w];
        for (long start = first; start < end; start += capacity)
        {
            int n = (int)Math.Min(capacity, end - start);
            var p = host.AsSpan(0, n * w);
            backend.Download(generator.Generate(key, (ulong)start, n), p);
            yield return TableDiffusionSampler.DecodeProbabilities(encoder, p, n, key, start, model.Options.SampleCategories);
        }
    }
}
