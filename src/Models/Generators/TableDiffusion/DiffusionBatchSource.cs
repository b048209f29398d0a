using DpSynth.Kernels.Random;
using DpSynth.Models.Training;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// The training records of TableDiffusion: record r becomes T rows, row t being
/// x_t = x_0 + √β_t·ξ (input) and ξ (target), so the trainer clips all T noised copies of a record
/// together as one example. ξ is element ((step·N + r)·T + t)·W + j of a ChaCha20 Gaussian stream of
/// its own, so every (step, record, level) draws fresh noise, on any worker, without shared state.
/// </summary>
public sealed class DiffusionBatchSource : IBatchSource
{
    /// <summary>Stream id of the forward-process noise, apart from the trainer's and the sampler's streams.</summary>
    public const ulong ForwardNoiseStream = 0x4446464E4F495345UL; // "DFFNOISE"

    private readonly float[] _rows;
    private readonly float[] _scales;
    private readonly NoiseKey _key;

    /// <summary>Wraps encoded rows (records × width, row-major).</summary>
    /// <param name="encoded">The encoded private rows.</param>
    /// <param name="records">Number of records.</param>
    /// <param name="width">Floats per encoded row.</param>
    /// <param name="betas">β_t for t = 0..T−1.</param>
    /// <param name="key">Key of the forward-process noise (its stream is replaced by <see cref="ForwardNoiseStream"/>).</param>
    public DiffusionBatchSource(float[] encoded, int records, int width, IReadOnlyList<double> betas, NoiseKey key)
    {
        if (records < 1 || width < 1 || encoded.Length != (long)records * width)
            throw new ArgumentException($"Encoded data holds {encoded.Length} floats, not {records} records × {width} columns.");
        if (betas.Count < 1) throw new ArgumentException("Diffusion needs at least one noise level.");
        _rows = encoded;
        _scales = betas.Select(b => (float)Math.Sqrt(b)).ToArray();
        _key = key.WithStream(ForwardNoiseStream);
        Records = records;
        InputWidth = width;
    }

    /// <inheritdoc />
    public int Records { get; }

    /// <inheritdoc />
    public int RowsPerRecord => _scales.Length;

    /// <inheritdoc />
    public int InputWidth { get; }

    /// <inheritdoc />
    public int TargetWidth => InputWidth;

    /// <inheritdoc />
    public void Fill(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step)
    {
        int w = InputWidth, levels = _scales.Length, block = w * levels;
        for (int i = 0; i < records.Length; i++)
        {
            int r = records[i];
            var x0 = _rows.AsSpan(r * w, w);
            var noise = targets.Slice(i * block, block);
            ulong offset = ((ulong)step * (ulong)Records + (ulong)r) * (ulong)block;
            GaussianStream.Fill(_key, offset, noise);
            for (int t = 0; t < levels; t++)
            {
                var xi = noise.Slice(t * w, w);
                var xt = inputs.Slice(i * block + t * w, w);
                float s = _scales[t];
                for (int j = 0; j < w; j++) xt[j] = x0[j] + s * xi[j];
            }
        }
    }
}
