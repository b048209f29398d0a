using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// The reverse process of the mixed-head (x₀-predicting) TableDiffusion on batches of rows: x ~ N(0, I);
/// for t = T−1..0 the denoiser reads (x, t), x̂₀ is the softmax within categorical spans and
/// (x − s_t·ε̂)/a_t elsewhere, and for t &gt; 0 x is drawn from q(x_{t−1} | x_t, x̂₀). Holds the
/// denoiser and the buffers, so that batches allocate nothing but their output.
/// </summary>
internal sealed class ReverseProcess : IDisposable
{
    private readonly IComputeBackend _backend;
    private readonly Worker[] _workers;
    private readonly float[] _x, _prediction, _fresh;
    private readonly float[] _signal, _noise;
    private readonly bool[] _spanColumns;
    private readonly bool _hasNumeric;
    private readonly int[] _path;
    private readonly ColumnSpans _spans;
    private readonly int _width, _inputWidth, _levels, _capacity;

    /// <summary>Builds the denoiser for up to <paramref name="capacity"/> rows per batch.</summary>
    /// <exception cref="ArgumentException">The model's weights do not fit the denoiser its hyper-parameters describe.</exception>
    public ReverseProcess(TableDiffusionModel model, IComputeBackend backend, int capacity)
    {
        var options = model.Options;
        _backend = backend;
        _width = model.Encoder.Width;
        _inputWidth = options.InputWidth(_width);
        _levels = options.DiffusionSteps;
        _capacity = capacity;
        _spans = model.Encoder.SoftmaxSpans;
        _spanColumns = TableDiffusionFitter.SpanMask(_width, _spans);
        _hasNumeric = Array.IndexOf(_spanColumns, false) >= 0;
        _path = SamplingPath(_levels, options.SamplingSteps);
        (_signal, _noise) = options.ForwardCoefficients();
        // One denoiser per core, each running whole rows through every level: rows are independent,
        // so the work splits once per batch instead of once per op. Each holds its share of a batch;
        // worker 0 also takes the batches too small to split (see RowPartition.For), so it holds at
        // least those.
        // Each denoiser holds the weights: a wide model gets as many as 256 MB of copies allow.
        int byWeights = (int)Math.Clamp((256L << 20) / (4L * Math.Max(1, model.Parameters.Length)), 1, int.MaxValue);
        int count = Math.Max(1, Math.Min(Math.Min(Math.Min(RowPartition.DefaultWorkers, backend.MaxConcurrentCallers), byWeights), capacity));
        _workers = new Worker[count];
        try
        {
            // Built side by side: allocating and touching each worker's workspaces is a visible part of a short run.
            int share = (capacity + count - 1) / count;
            int unsplit = (int)Math.Min(capacity, Math.Ceiling(ParallelMinFlops / FlopsPerRow(model.Parameters.Length, _levels)));
            Parallel.For(0, count, i => _workers[i] = new Worker(model, backend, i == 0 ? Math.Max(share, unsplit) : share));
        }
        catch (AggregateException e)
        {
            Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        _x = new float[capacity * _width];
        _prediction = new float[capacity * _width];
        _fresh = new float[capacity * _width];
    }

    /// <summary>A denoiser with its own input buffers.</summary>
    private sealed class Worker : IDisposable
    {
        public Worker(TableDiffusionModel model, IComputeBackend backend, int capacity)
        {
            int width = model.Encoder.Width, inputWidth = model.Options.InputWidth(width);
            Network = new Network(backend, TableDiffusionModel.Denoiser(width, model.Options), capacity, training: false);
            if (Network.Parameters.Length != model.Parameters.Length)
            {
                Network.Dispose();
                throw new ArgumentException($"The model holds {model.Parameters.Length} denoiser parameters; its hyper-parameters need {Network.Parameters.Length}.");
            }
            Network.WriteParameters(model.Parameters);
            Device = backend.Allocate(capacity, inputWidth).Storage;
            Input = new float[capacity * inputWidth];
            Capacity = capacity;
        }

        public Network Network { get; }
        public TensorStorage Device { get; }
        public float[] Input { get; }
        public int Capacity { get; }

        public void Dispose()
        {
            Device.Dispose();
            Network.Dispose();
        }
    }

    /// <summary>
    /// Runs the reverse process for global rows start..start+n−1 and returns x̂₀ of the last level
    /// (span probabilities, numeric values); the span is valid until the next call. Row g starts
    /// from elements g·W.. of <paramref name="key"/>'s stream and level t draws from a stream of its
    /// own, so a row's result does not depend on the batch it falls in.
    /// </summary>
    public Span<float> Run(NoiseKey key, long start, int n)
    {
        if (n < 1 || n > _capacity) throw new ArgumentOutOfRangeException(nameof(n), n, $"a batch holds 1..{_capacity} rows");
        RowPartition.For(n, FlopsPerRow(_workers[0].Network.Parameters.Length, _levels), ParallelMinFlops, (worker, first, count) => RunRows(_workers[worker], key, start, first, count), _workers.Length);
        return _prediction.AsSpan(0, n * _width);
    }

    private static double FlopsPerRow(long parameters, int levels) => 2.0 * parameters * levels;

    /// <summary>Work below which a batch runs on one core (a parallel dispatch costs tens of microseconds).</summary>
    private const double ParallelMinFlops = 4e6;

    private void RunRows(Worker worker, NoiseKey key, long start, int first, int n)
    {
        int w = _width, iw = _inputWidth;
        var rows = _x.AsSpan(first * w, n * w);
        var p = _prediction.AsSpan(first * w, n * w);
        var input = worker.Input.AsSpan(0, n * iw);
        ulong offset = (ulong)(start + first) * (ulong)w;
        GaussianStream.Fill(key, offset, rows);
        var device = worker.Device.View(worker.Capacity, iw).SliceRows(0, n);
        var path = _path;
        for (int i = 0; i < path.Length; i++)
        {
            int t = path[i];
            TableDiffusionSampler.StepInputs(rows, input, n, w, iw, t);
            _backend.Upload(input, device);
            var predicted = worker.Network.Predict(device);
            _backend.Softmax(predicted, predicted, _spans); // vectorised, and in place: the output is a workspace view
            _backend.Download(predicted, p);
            if (_hasNumeric) TableDiffusionSampler.StartEstimate(rows, p, n, w, _spanColumns, _signal[t], _noise[t]);
            if (i == path.Length - 1) break;
            var z = _fresh.AsSpan(first * w, n * w);
            GaussianStream.Fill(key.WithStream(key.StreamId + 1 + (ulong)t), offset, z);
            TableDiffusionSampler.PosteriorStep(rows, p, z, _signal[t], _signal[path[i + 1]]);
        }
    }

    /// <summary>
    /// The levels the reverse process visits, from T−1 down to 0: all of them, or S evenly spaced
    /// ones (the posterior q(x_s | x_t, x̂₀) of the variance-preserving process holds for any s &lt; t).
    /// </summary>
    internal static int[] SamplingPath(int levels, int steps)
    {
        if (steps <= 0 || steps >= levels) return Enumerable.Range(0, levels).Reverse().ToArray();
        if (steps == 1) return [levels - 1];
        return Enumerable.Range(0, steps).Select(i => (int)Math.Round((levels - 1) * (1 - i / (double)(steps - 1)))).Distinct().ToArray();
    }

    /// <summary>
    /// Per-slot weights w such that, on a calibration run of <see cref="TableDiffusionSampler.CalibrationRows"/>
    /// rows drawn from <paramref name="key"/> (a stream no output row uses), the mean of the reweighted
    /// final softmaxes (p·w renormalised within each span) matches <paramref name="marginals"/>:
    /// iterative proportional fitting, one span at a time. Weights depend only on the model and the
    /// key, so every batch and shard is reweighted alike.
    /// </summary>
    public float[] CalibrationWeights(NoiseKey key, ReadOnlySpan<float> marginals)
    {
        int n = TableDiffusionSampler.CalibrationRowsFor(_width), w = _width;
        // In batches of the buffers' capacity: a wide model's buffers hold fewer rows than the run.
        var probabilities = new float[n * w];
        for (int start = 0; start < n; start += _capacity)
        {
            int count = Math.Min(_capacity, n - start);
            Run(key, start, count).CopyTo(probabilities.AsSpan(start * w));
        }
        var weights = new float[w];
        Array.Fill(weights, 1f);
        var adjusted = new float[probabilities.Length];
        var mean = new double[w];
        for (int iteration = 0; iteration < CalibrationIterations; iteration++)
        {
            probabilities.CopyTo(adjusted, 0);
            Reweight(adjusted, n, w, _spans, weights);
            Array.Clear(mean);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < w; j++) mean[j] += adjusted[i * w + j];
            for (int j = 0; j < w; j++)
                if (_spanColumns[j] && mean[j] > 0) weights[j] *= (float)(marginals[j] * n / mean[j]);
        }
        return weights;
    }

    private const int CalibrationIterations = 8;

    /// <summary>Multiplies every span's probabilities by the weights and renormalises the span.</summary>
    public static void Reweight(Span<float> data, int n, int width, ColumnSpans spans, ReadOnlySpan<float> weights)
    {
        for (int i = 0; i < n; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                var block = data.Slice(i * width + spans.Starts[s], spans.Lengths[s]);
                var factors = weights.Slice(spans.Starts[s], spans.Lengths[s]);
                float total = 0;
                for (int j = 0; j < block.Length; j++) total += block[j] *= factors[j];
                if (total > 0) for (int j = 0; j < block.Length; j++) block[j] /= total;
            }
    }

    /// <summary>Uniforms in (0, 1) from a Gaussian stream (Φ of each element), addressed like the stream.</summary>
    public static void Uniforms(NoiseKey key, ulong offset, Span<float> destination)
    {
        GaussianStream.Fill(key, offset, destination);
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)TableDiffusionSampler.NormalCdf(destination[i]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var worker in _workers) worker?.Dispose();
    }
}
