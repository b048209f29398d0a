using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Training;

/// <summary>
/// One (DP-)SGD step on a network: load a batch, spread it over workers once, and in each worker run
/// forward, loss, backward and — by <see cref="GradientMode"/> — the plain, ghost-clipped or
/// materialised-clipped gradient sum into the worker's own gradient buffer; then reduce the workers'
/// buffers, add Gaussian noise, divide by the expected batch size and take the optimiser step, again
/// split over workers by parameter range. Two parallel dispatches per step, no buffer allocation.
/// </summary>
/// <remarks>
/// Ghost mode is the book-keeping variant of ghost clipping (Bu et al. 2022): the single backward
/// pass keeps each layer's output gradients δ (they exist anyway), per-example norms come from
/// (a, δ) Gram products, and the clip factors scale δ's rows before the ordinary weight-gradient
/// GEMM. Against the two-pass variant (a second backward with a re-weighted loss) it saves a whole
/// backward pass for a few MB of activations kept until the end of the step. Clip factors depend
/// only on an example's own norms, so each worker clips its own rows — no cross-worker sync.
/// </remarks>
public sealed class TrainingStep : IDisposable
{
    private readonly Network _network;
    private readonly ILoss _loss;
    private readonly IComputeBackend _backend;
    private readonly Tensor _inputs, _targets, _outputGradient, _rowLoss, _norms, _factors;
    private readonly Tensor[] _perExample, _chunkNorms, _chunkFactors;
    private readonly int[] _fillRecords; // the chunk's records, for the fill workers (a span cannot be captured)
    private readonly float[] _hostInputs, _hostTargets;
    private readonly double[] _workerLoss;
    private readonly int _materializedChunk;
    private readonly double _flopsPerRow;

    /// <summary>Creates the step for <paramref name="network"/> (its capacity bounds the examples per chunk).</summary>
    /// <param name="network">The network; its worker count is the step's.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="groupSize">Rows per example.</param>
    /// <param name="materializedChunk">Examples whose gradients are materialised at once per worker (materialised mode only; 0 to disable).</param>
    public TrainingStep(Network network, ILoss loss, int groupSize = 1, int materializedChunk = 16)
    {
        if (groupSize <= 0 || network.MaxRows % groupSize != 0)
            throw new ArgumentException($"The network's capacity of {network.MaxRows} rows is not a multiple of {groupSize} rows per example.");
        _network = network;
        _loss = loss;
        _backend = network.Backend;
        GroupSize = groupSize;
        int rows = network.MaxRows, targetWidth = loss.TargetWidth(network.OutputWidth);
        TargetWidth = targetWidth;
        _inputs = _backend.Allocate(rows, network.InputWidth);
        _targets = _backend.Allocate(rows, targetWidth);
        _outputGradient = _backend.Allocate(rows, network.OutputWidth);
        _rowLoss = _backend.Allocate(rows, 1);
        _norms = _backend.Allocate(MaxExamples, 1);
        _factors = _backend.Allocate(MaxExamples, 1);
        _hostInputs = new float[_inputs.Length];
        _hostTargets = new float[_targets.Length];
        _fillRecords = new int[MaxExamples];
        _workerLoss = new double[network.Workers];
        _materializedChunk = Math.Max(0, materializedChunk);
        int chunk = Math.Max(1, _materializedChunk), p = network.Parameters.Length;
        _perExample = new Tensor[_materializedChunk > 0 ? network.Workers : 0];
        _chunkNorms = new Tensor[_perExample.Length];
        _chunkFactors = new Tensor[_perExample.Length];
        for (int w = 0; w < _perExample.Length; w++)
        {
            _perExample[w] = _backend.Allocate(chunk, p);
            _chunkNorms[w] = _backend.Allocate(chunk, 1);
            _chunkFactors[w] = _backend.Allocate(chunk, 1);
        }
        _flopsPerRow = 6.0 * network.Parameters.Count;
    }

    /// <summary>Rows per example.</summary>
    public int GroupSize { get; }

    /// <summary>Work (FLOPs) below which a step runs on one worker: a Parallel.For dispatch costs 10–20 µs.</summary>
    public double ParallelMinFlops { get; set; } = 2e6;

    /// <summary>Target columns.</summary>
    public int TargetWidth { get; }

    /// <summary>Most examples one call to <see cref="Accumulate(int, GradientMode, float, long)"/> takes.</summary>
    public int MaxExamples => _network.MaxRows / GroupSize;

    /// <summary>The network.</summary>
    public Network Network => _network;

    /// <summary>Batch input rows (capacity × input width); fill the leading rows before <see cref="Accumulate(int, GradientMode, float, long)"/>.</summary>
    public Tensor Inputs => _inputs;

    /// <summary>Batch target rows (capacity × target width).</summary>
    public Tensor Targets => _targets;

    /// <summary>Per-example squared norms of the last ghost-mode call (capacity × 1).</summary>
    public Tensor SquaredNorms => _norms;

    /// <summary>
    /// Loads the records' rows from <paramref name="source"/> and accumulates their gradient sum
    /// (see <see cref="Accumulate(int, GradientMode, float, long)"/>). Returns the summed row loss.
    /// </summary>
    public double Accumulate(IBatchSource source, ReadOnlySpan<int> records, long step, GradientMode mode, float clipNorm, long randomTag)
    {
        if (records.Length > MaxExamples) throw new ArgumentException($"{records.Length} records exceed the step's capacity of {MaxExamples}; split them into chunks.");
        int inLen = records.Length * GroupSize * source.InputWidth, outLen = records.Length * GroupSize * source.TargetWidth;
        Fill(source, records, step);
        _backend.Upload(_hostInputs.AsSpan(0, inLen), _inputs.SliceRows(0, records.Length * GroupSize));
        _backend.Upload(_hostTargets.AsSpan(0, outLen), _targets.SliceRows(0, records.Length * GroupSize));
        return Accumulate(records.Length, mode, clipNorm, randomTag);
    }

    /// <summary>
    /// The host rows of <paramref name="records"/>, filled by the cores side by side over disjoint record
    /// ranges (the source's contract allows it): a diffusion source draws a noised copy of every record
    /// per level, which done serially was a tenth of a TableDiffusion step on two cores.
    /// </summary>
    private void Fill(IBatchSource source, ReadOnlySpan<int> records, long step)
    {
        records.CopyTo(_fillRecords);
        int inRow = GroupSize * source.InputWidth, outRow = GroupSize * source.TargetWidth;
        RowPartition.For(records.Length, FillCostPerValue * (inRow + outRow), ParallelMinFlops,
            (_, start, count) => source.Fill(_fillRecords.AsSpan(start, count), _hostInputs.AsSpan(start * inRow, count * inRow),
                _hostTargets.AsSpan(start * outRow, count * outRow), step));
    }

    /// <summary>Rough work per value a source writes (a Gaussian draw and a few multiply-adds), in the units of <see cref="ParallelMinFlops"/>.</summary>
    private const double FillCostPerValue = 20;

    /// <summary>
    /// Forward, backward and the (clipped) gradient sum of the first <paramref name="examples"/>
    /// examples in <see cref="Inputs"/>/<see cref="Targets"/>, added to the workers' gradient
    /// buffers. Call <see cref="PrepareStep"/> once per step first. Returns the summed row loss.
    /// </summary>
    public double Accumulate(int examples, GradientMode mode, float clipNorm, long randomTag)
    {
        if (examples <= 0) return 0;
        if (examples > MaxExamples) throw new ArgumentException($"{examples} examples exceed the step's capacity of {MaxExamples}.");
        if (mode == GradientMode.Materialized && _perExample.Length == 0) throw new InvalidOperationException("Materialised mode needs a materialised chunk size above 0.");
        Array.Clear(_workerLoss);
        RowPartition.For(examples, _flopsPerRow * GroupSize, ParallelMinFlops,
            (worker, start, count) => RunWorker(worker, start, count, mode, clipNorm, randomTag), _network.Workers);
        double sum = 0;
        foreach (double l in _workerLoss) sum += l;
        return sum;
    }

    /// <summary>Serial per-step preparation (spectral-norm power iteration).</summary>
    public void PrepareStep() => _network.PrepareStep(training: true);

    private void RunWorker(int worker, int firstExample, int examples, GradientMode mode, float clipNorm, long randomTag)
    {
        int g = GroupSize;
        var pass = new BatchPass(firstExample * g, examples * g, g, worker, training: true, mode, _network.WorkerGradient(worker), randomTag);
        var prediction = _network.Forward(pass.Slice(_inputs), pass);
        var dPrediction = pass.Slice(_outputGradient);
        // Each example's loss is the mean over its G rows, so its gradient is scaled by 1/G.
        float meanRowLoss = _loss.Evaluate(_backend, prediction, pass.Slice(_targets), dPrediction, pass.Slice(_rowLoss), 1f / g);
        _workerLoss[worker] = (double)meanRowLoss * pass.Rows;
        _network.Backward(dPrediction, pass);
        switch (mode)
        {
            case GradientMode.Direct:
                _network.AccumulateGradients(pass, null);
                break;
            case GradientMode.Ghost:
                var norms = pass.ExampleSlice(_norms);
                _backend.Fill(norms, 0f);
                _network.AddSquaredNorms(pass, norms);
                var factors = pass.ExampleSlice(_factors);
                _backend.ClipFactors(norms, clipNorm, factors);
                _network.AccumulateGradients(pass, factors);
                break;
            case GradientMode.Materialized:
                AccumulateMaterialized(pass, clipNorm);
                break;
        }
    }

    /// <summary>
    /// The reference path: per chunk of examples, write each example's full gradient as a row of a
    /// chunk × P matrix, take row norms, clip, and add factorsᵀ·rows to the gradient with one GEMM.
    /// </summary>
    private void AccumulateMaterialized(in BatchPass pass, float clipNorm)
    {
        _network.PreparePerExample(pass);
        var perExample = _perExample[pass.Worker];
        int p = perExample.Cols;
        var gradientRow = pass.RequireGradient().Reshape(1, p);
        for (int first = 0; first < pass.Examples; first += perExample.Rows)
        {
            int count = Math.Min(perExample.Rows, pass.Examples - first);
            var rows = perExample.SliceRows(0, count);
            for (int i = 0; i < count; i++)
                _network.WritePerExampleGradient(pass, first + i, rows.SliceRows(i, 1).Reshape(p, 1));
            var norms = _chunkNorms[pass.Worker].SliceRows(0, count);
            var factors = _chunkFactors[pass.Worker].SliceRows(0, count);
            _backend.RowSquaredNorms(rows, norms);
            _backend.ClipFactors(norms, clipNorm, factors);
            _backend.Gemm(factors, true, rows, false, gradientRow, 1f, 1f);
            _backend.Copy(norms, _norms.SliceRows(pass.FirstExample + first, count));
        }
    }

    /// <summary>
    /// Finishes the step: g = (Σ_workers g_w + N(0, noiseStd²)) · scale, then the optimiser update;
    /// the worker buffers are zeroed for the next step. Noise element j of the step is stream
    /// element noiseOffset + j of <paramref name="key"/>, whichever worker adds it.
    /// </summary>
    /// <param name="optimizer">The optimiser (bound to the network's parameters).</param>
    /// <param name="scale">1 / expected batch size.</param>
    /// <param name="noiseStd">σ·C, or 0 for no noise.</param>
    /// <param name="key">Noise key (required when noiseStd &gt; 0).</param>
    /// <param name="noiseOffset">First stream element for this step; steps must use disjoint ranges.</param>
    public void Apply(Optimizer optimizer, float scale, float noiseStd, NoiseKey? key, ulong noiseOffset)
    {
        if (noiseStd > 0 && key is null) throw new ArgumentNullException(nameof(key), "Noise needs a key.");
        var values = _network.Parameters.Values;
        int length = values.Rows, blocks = (length + 15) / 16;
        // ~10 passes over 16 floats per block. Below ~256k parameters one core finishes in ~0.3 ms,
        // and a second dispatch (a barrier a busy core can delay by far more) does not pay off.
        RowPartition.For(blocks, 64, 1e6, (_, startBlock, count) =>
        {
            int start = startBlock * 16, n = Math.Min(count * 16, length - start);
            var total = _network.WorkerGradient(0).SliceRows(start, n);
            for (int w = 1; w < _network.Workers; w++)
            {
                var part = _network.WorkerGradient(w).SliceRows(start, n);
                _backend.Axpy(1f, part, total);
                _backend.Fill(part, 0f);
            }
            if (noiseStd > 0) _backend.AddGaussianNoise(total, noiseStd, key!, noiseOffset + (ulong)start);
            _backend.Scale(total, scale);
            optimizer.Apply(values, _network.WorkerGradient(0), start, n);
            _backend.Fill(total, 0f);
        }, _network.Workers);
        optimizer.Steps++;
    }

    /// <summary>Zeroes every worker's gradient buffer.</summary>
    public void ClearGradients()
    {
        for (int w = 0; w < _network.Workers; w++) _backend.Fill(_network.WorkerGradient(w), 0f);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { _inputs, _targets, _outputGradient, _rowLoss, _norms, _factors }.Concat(_perExample).Concat(_chunkNorms).Concat(_chunkFactors))
            t.Storage.Dispose();
    }
}
