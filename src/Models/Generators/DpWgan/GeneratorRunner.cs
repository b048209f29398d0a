using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// Runs the generator on Gaussian latents addressed by global row: row g reads elements
/// g·d .. g·d + d − 1 of its key's Gaussian stream (d: latent width), so a row's output depends on
/// (key, g) alone — whichever batch, shard or worker computes it. The batch is split over the
/// network's workers once per call.
/// </summary>
internal sealed class GeneratorRunner : IDisposable
{
    private readonly float[] _hostLatent;
    private readonly Tensor _latent, _rows;

    /// <summary>Builds the generator for batches of at most <paramref name="capacity"/> rows.</summary>
    public GeneratorRunner(IComputeBackend backend, IEnumerable<Layer> layers, int capacity, int workers, int seed)
    {
        Network = new Network(backend, layers, capacity, workers, seed);
        LatentWidth = Network.InputWidth;
        _hostLatent = new float[capacity * LatentWidth];
        _latent = backend.Allocate(capacity, LatentWidth);
        _rows = backend.Allocate(capacity, Network.OutputWidth);
        FlopsPerRow = 2.0 * Network.Parameters.Count;
    }

    /// <summary>The generator.</summary>
    public Network Network { get; }

    /// <summary>Width d of the latent input.</summary>
    public int LatentWidth { get; }

    /// <summary>Most rows per call.</summary>
    public int Capacity => Network.MaxRows;

    /// <summary>Approximate forward FLOPs per row, for deciding whether to split a batch.</summary>
    public double FlopsPerRow { get; }

    /// <summary>Below this much work a batch runs on one worker (a parallel dispatch costs 10–20 µs).</summary>
    public const double ParallelMinFlops = 2e6;

    /// <summary>Loads the latents of global rows <paramref name="firstRow"/>.. into the latent buffer and returns its first <paramref name="rows"/> rows.</summary>
    public Tensor LoadLatents(NoiseKey key, ulong firstRow, int rows)
    {
        if (rows < 1 || rows > Capacity) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"a generator batch holds 1..{Capacity} rows");
        var host = _hostLatent.AsSpan(0, rows * LatentWidth);
        GaussianStream.Fill(key, firstRow * (ulong)LatentWidth, host);
        var latent = _latent.SliceRows(0, rows);
        Network.Backend.Upload(host, latent);
        return latent;
    }

    /// <summary>
    /// The generator's rows for global rows firstRow..firstRow + rows − 1 (no gradients): a view
    /// valid until the next call. <paramref name="tag"/> addresses the head's own noise (Gumbel), if any.
    /// </summary>
    public Tensor Generate(NoiseKey key, ulong firstRow, int rows, long tag = 0)
    {
        var latent = LoadLatents(key, firstRow, rows);
        var output = _rows.SliceRows(0, rows);
        Network.PrepareStep(training: false);
        RowPartition.For(rows, FlopsPerRow, ParallelMinFlops, (worker, start, count) =>
        {
            var pass = new BatchPass(start, count, 1, worker, training: false, GradientMode.Direct, null, tag);
            var y = Network.Forward(pass.Slice(latent), pass);
            Network.Backend.Copy(y, output.SliceRows(start, count));
        }, Network.Workers);
        return output;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _latent.Storage.Dispose();
        _rows.Storage.Dispose();
        Network.Dispose();
    }
}
