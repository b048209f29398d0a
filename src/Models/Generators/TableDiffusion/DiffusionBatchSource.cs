using System.Buffers;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Tabular;
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
    public const ulong ForwardNoiseStream = NoiseStreams.DiffusionForwardNoise;

    private readonly IEncodedRows _rows;
    private readonly float[] _signal, _scales;
    private readonly NoiseKey _key;
    private readonly bool[]? _startColumns;
    private readonly bool _stepInput;
    private readonly int _levelsPerRecord;

    /// <summary>Wraps encoded rows (records × width, row-major) for the paper's process: x_t = x₀ + √β_t·ξ, target ξ.</summary>
    /// <param name="encoded">The encoded private rows.</param>
    /// <param name="records">Number of records.</param>
    /// <param name="width">Floats per encoded row.</param>
    /// <param name="betas">β_t for t = 0..T−1.</param>
    /// <param name="key">Key of the forward-process noise (its stream is replaced by <see cref="ForwardNoiseStream"/>).</param>
    public DiffusionBatchSource(float[] encoded, int records, int width, IReadOnlyList<double> betas, NoiseKey key)
        : this(encoded, records, width, Enumerable.Repeat(1f, betas.Count).ToArray(), betas.Select(b => (float)Math.Sqrt(b)).ToArray(), key, null, false)
    {
    }

    /// <summary>
    /// Wraps encoded rows for x_t = a_t·x₀ + s_t·ξ. The target of column j is x₀ where
    /// <paramref name="startColumns"/>[j] is set (categorical spans) and ξ − s_t·(x_t)_j elsewhere
    /// (numeric columns; plain ξ everywhere without a mask); with <paramref name="stepInput"/> a one-hot of t
    /// (T columns) follows x_t in each input row.
    /// </summary>
    /// <param name="encoded">The encoded private rows.</param>
    /// <param name="records">Number of records.</param>
    /// <param name="width">Floats per encoded row.</param>
    /// <param name="signal">a_t for t = 0..T−1.</param>
    /// <param name="noise">s_t for t = 0..T−1.</param>
    /// <param name="key">Key of the forward-process noise (its stream is replaced by <see cref="ForwardNoiseStream"/>).</param>
    /// <param name="startColumns">Columns whose target is x₀ rather than ξ; null for ξ everywhere.</param>
    /// <param name="stepInput">Whether the input rows carry the one-hot step.</param>
    /// <param name="levelsPerRecord">
    /// Noise levels drawn per record and step, 1..T (0 or T: every level). With L &lt; T each record
    /// gets L distinct levels chosen afresh every step, so training covers all T levels at the cost of L.
    /// </param>
    public DiffusionBatchSource(float[] encoded, int records, int width, float[] signal, float[] noise, NoiseKey key, bool[]? startColumns, bool stepInput,
        int levelsPerRecord = 0)
        : this(Dense(encoded, records, width), signal, noise, key, startColumns, stepInput, levelsPerRecord)
    {
    }

    /// <summary>Wraps encoded rows of any storage (a wide table's are compact, see <see cref="CompactEncodedTable"/>); the other parameters as above.</summary>
    public DiffusionBatchSource(IEncodedRows encoded, float[] signal, float[] noise, NoiseKey key, bool[]? startColumns, bool stepInput,
        int levelsPerRecord = 0)
    {
        int records = encoded.Rows, width = encoded.Width;
        if (levelsPerRecord < 0 || levelsPerRecord > noise.Length)
            throw new ArgumentException($"Levels per record must be in 0..{noise.Length}, got {levelsPerRecord}.");
        if (records < 1 || width < 1) throw new ArgumentException($"Diffusion needs at least one record and one column, got {records} × {width}.");
        if (startColumns is not null && startColumns.Length != width) throw new ArgumentException($"The x₀ mask has {startColumns.Length} columns, not {width}.");
        if (noise.Length < 1 || signal.Length != noise.Length) throw new ArgumentException("Diffusion needs at least one noise level and one signal coefficient per level.");
        _rows = encoded;
        _signal = signal;
        _scales = noise;
        _key = key.WithStream(ForwardNoiseStream);
        _startColumns = startColumns;
        _stepInput = stepInput;
        _levelsPerRecord = levelsPerRecord == 0 ? noise.Length : levelsPerRecord;
        Records = records;
        TargetWidth = width;
        InputWidth = width + (stepInput ? noise.Length : 0);
    }

    /// <inheritdoc />
    public int Records { get; }

    /// <inheritdoc />
    public int RowsPerRecord => _levelsPerRecord;

    /// <inheritdoc />
    public int InputWidth { get; }

    /// <inheritdoc />
    public int TargetWidth { get; }

    /// <summary>Stream id of the uniforms that choose each record's levels when not every level is used.</summary>
    public const ulong LevelChoiceStream = NoiseStreams.DiffusionLevelChoice;

    /// <inheritdoc />
    public void Fill(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step)
    {
        int w = TargetWidth, all = _scales.Length;
        Span<int> chosen = stackalloc int[all];
        Span<float> u = stackalloc float[all];
        // Workers fill disjoint records concurrently: each call rebuilds its rows in its own buffer.
        var buffer = ArrayPool<float>.Shared.Rent(w);
        try
        {
            FillRecords(records, inputs, targets, step, buffer.AsSpan(0, w), chosen, u);
        }
        finally { ArrayPool<float>.Shared.Return(buffer); }
    }

    private void FillRecords(ReadOnlySpan<int> records, Span<float> inputs, Span<float> targets, long step, Span<float> x0, Span<int> chosen, Span<float> u)
    {
        int w = TargetWidth, iw = InputWidth, levels = _levelsPerRecord, block = w * levels;
        var mask = _startColumns;
        for (int i = 0; i < records.Length; i++)
        {
            int r = records[i];
            _rows.CopyRow(r, x0);
            var target = targets.Slice(i * block, block);
            var noise = target;
            ulong record = (ulong)step * (ulong)Records + (ulong)r;
            GaussianStream.Fill(_key, record * (ulong)block, noise);
            ChooseLevels(record, chosen, u);
            for (int k = 0; k < levels; k++)
            {
                int t = chosen[k];
                var xi = noise.Slice(k * w, w);
                var row = inputs.Slice((i * levels + k) * iw, iw);
                float a = _signal[t], s = _scales[t];
                for (int j = 0; j < w; j++) row[j] = a * x0[j] + s * xi[j];
                if (_stepInput)
                {
                    row[w..].Clear();
                    row[w + t] = 1f;
                }
                if (mask is null) continue;
                // After x_t used the noise: spans target x₀; numeric columns the part of ξ that the
                // N(0, 1)-prior estimate s_t·x_t misses, so an untrained head still keeps N(0, 1) marginals.
                for (int j = 0; j < w; j++) xi[j] = mask[j] ? x0[j] : xi[j] - s * row[j];
            }
        }
    }

    private static EncodedTable Dense(float[] encoded, int records, int width)
    {
        if (records < 1 || width < 1 || encoded.Length != (long)records * width)
            throw new ArgumentException($"Encoded data holds {encoded.Length} floats, not {records} records × {width} columns.");
        return new EncodedTable(encoded, records, width, new ColumnSpans([]), []);
    }

    /// <summary>
    /// The first L entries of <paramref name="chosen"/> become L distinct levels (a partial
    /// Fisher–Yates shuffle driven by uniforms of the record's own stream position); all levels in order when L = T.
    /// </summary>
    private void ChooseLevels(ulong record, Span<int> chosen, Span<float> u)
    {
        int all = chosen.Length;
        for (int t = 0; t < all; t++) chosen[t] = t;
        if (_levelsPerRecord == all) return;
        GaussianStream.Fill(_key.WithStream(LevelChoiceStream), record * (ulong)all, u);
        for (int k = 0; k < _levelsPerRecord; k++)
        {
            double uniform = TableDiffusionSampler.NormalCdf(u[k]);
            int pick = k + Math.Min(all - k - 1, (int)(uniform * (all - k)));
            (chosen[k], chosen[pick]) = (chosen[pick], chosen[k]);
        }
    }
}
