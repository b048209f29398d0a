using System.Numerics.Tensors;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// Sampling from a TableDiffusion model. Reverse process: x ~ N(0, I) on the encoded row, then for
/// t = T−1 down to 0, x ← x − √β_t·ε̂(x), subtracting the denoiser's noise prediction at each level
/// (the denoiser is not conditioned on t, as in the paper); the result is decoded through the
/// encoder with categories (and missing indicators) taken by argmax over their one-hot spans.
/// Global row g starts from Gaussian elements g·W .. g·W + W − 1 of a sampling stream of its own,
/// so shards (disjoint row ranges) draw disjoint noise, and with a seed the concatenated shards
/// equal the unsharded output.
/// With mixed heads (the default preset) the reverse process is: x ~ N(0, I); for t = T−1..0 the
/// denoiser reads (x, t), x̂₀ is the softmax within categorical spans and (x − s_t·ε̂)/a_t on numeric
/// columns (ε̂ = s_t·x + the head's residual), and for t &gt; 0 x is drawn from q(x_{t−1} | x_t, x̂₀) (noise from a stream per level);
/// at t = 0 numeric columns are x̂₀ and categories are drawn from the predicted softmax (with
/// uniforms from a stream of their own, per row and span), so category marginals follow the model
/// rather than collapsing on the mode.
/// </summary>
public static class TableDiffusionSampler
{
    /// <summary>Stream id of the sampling noise, apart from training and forward-process noise.</summary>
    public const ulong SamplingStream = NoiseStreams.DiffusionSampling;

    /// <summary>Yields the shard's rows in batches of at most <paramref name="batchRows"/> rows.</summary>
    /// <exception cref="ArgumentException">The request is invalid or the weights do not fit the denoiser.</exception>
    public static IEnumerable<Table> Sample(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows = 2048)
    {
        request.Validate();
        if (request.Draw != 0) throw new ArgumentException($"a TableDiffusion model has one set of parameters: parameter draw {request.Draw} does not exist (copies are shards of one sampling stream)");
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "batches need at least one row");
        return Batches(model, backend, request, batchRows);
    }

    private static IEnumerable<Table> Batches(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows) =>
        model.Options.Target == DiffusionTarget.Start ? StartBatches(model, backend, request, batchRows) : NoiseBatches(model, backend, request, batchRows);

    private static IEnumerable<Table> NoiseBatches(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows)
    {
        int w = model.Encoder.Width;
        long first = request.FirstRow, end = request.EndRow;
        int capacity = (int)Math.Max(1, Math.Min(batchRows, end - first));
        var key = request.Seed is ulong seed ? NoiseKey.FromSeed(seed, SamplingStream) : NoiseKey.CreateSecure(SamplingStream);
        var scales = model.Options.Betas().Select(b => (float)Math.Sqrt(b)).ToArray();
        using var network = new Network(backend, TableDiffusionModel.Denoiser(w, model.Options), capacity, training: false);
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
            yield return model.Encoder.Decode(rows, n, new DecodeOptions { BinPositions = BinPositions(key, model.Encoder, start, n) });
        }
    }

    private static IEnumerable<Table> StartBatches(TableDiffusionModel model, IComputeBackend backend, SampleRequest request, int batchRows)
    {
        var options = model.Options;
        int w = model.Encoder.Width;
        var spans = model.Encoder.SoftmaxSpans;
        long first = request.FirstRow, end = request.EndRow;
        int capacity = (int)Math.Max(1, Math.Min(Math.Min(batchRows, ReverseBatchRows), end - first));
        var key = request.Seed is ulong seed ? NoiseKey.FromSeed(seed, SamplingStream) : NoiseKey.CreateSecure(SamplingStream);
        int calibration = model.SpanMarginals is null ? 0 : Math.Min(CalibrationRowsFor(w), TableDiffusionModel.WideBatchRows(w));
        // The calibration run goes through the same buffers in batches of their capacity.
        using var reverse = new ReverseProcess(model, backend, Math.Max(capacity, Math.Min(calibration, ReverseBatchRows)));
        var weights = model.SpanMarginals is { } marginals ? reverse.CalibrationWeights(key.WithStream(CalibrationStream), marginals) : null;
        for (long start = first; start < end; start += capacity)
        {
            int n = (int)Math.Min(capacity, end - start);
            var p = reverse.Run(key, start, n);
            if (weights is not null) ReverseProcess.Reweight(p, n, w, spans, weights);
            yield return DecodeProbabilities(model.Encoder, p, n, key, start, options.SampleCategories);
        }
    }

    /// <summary>
    /// Decodes generated rows of span probabilities (numeric columns as they are) for global rows
    /// start..start+n−1: categories drawn from each span by inverse CDF (or taken by argmax), binned
    /// values placed inside their bins — every uniform addressed by global row on its own stream of
    /// <paramref name="key"/>, so shards decode exactly as the unsharded output would.
    /// </summary>
    internal static Table DecodeProbabilities(TableEncoder encoder, Span<float> p, int n, NoiseKey key, long start, bool sampleCategories)
    {
        var spans = encoder.SoftmaxSpans;
        var decode = new DecodeOptions { BinPositions = BinPositions(key, encoder, start, n) };
        if (sampleCategories && spans.Count > 0)
        {
            var z = new float[n * spans.Count];
            ReverseProcess.Uniforms(key.WithStream(CategoryStream), (ulong)start * (ulong)spans.Count, z);
            DrawCategories(p, n, encoder.Width, spans, z);
        }
        return encoder.Decode(p[..(n * encoder.Width)], n, decode);
    }

    /// <summary>
    /// Rows the reverse process runs at once: each core's denoiser holds its share, so this bounds the
    /// sampler's buffers (a row's output does not depend on its batch). 1,024 keeps `sample` within
    /// 80 MB on a small machine at no cost in throughput (a core still runs hundreds of rows per GEMM).
    /// </summary>
    internal const int ReverseBatchRows = 1024;

    /// <summary>Rows of the calibration run that matches sampled marginals to the model's DP marginals.</summary>
    internal const int CalibrationRows = 2048;

    /// <summary>
    /// Rows of the calibration run for an encoded width: <see cref="CalibrationRows"/>, fewer for a
    /// wide model, whose run keeps two copies of its probabilities within 64 MB.
    /// </summary>
    internal static int CalibrationRowsFor(int width) => (int)Math.Clamp((64L << 20) / (2L * 4 * width), 64, CalibrationRows);

    /// <summary>Stream id of the calibration run's noise (never used for output rows).</summary>
    public const ulong CalibrationStream = NoiseStreams.DiffusionCalibration;

    /// <summary>Stream id of the uniforms that draw categories from the predicted softmax.</summary>
    public const ulong CategoryStream = NoiseStreams.DiffusionCategory;

    /// <summary>Stream id of the uniforms that place values inside their numeric bins.</summary>
    public const ulong BinPositionStream = NoiseStreams.DiffusionBinPosition;

    /// <summary>Uniforms placing the binned values of global rows start..start+n−1 (addressed by global row, so shards agree); null without binned columns.</summary>
    private static float[]? BinPositions(NoiseKey key, TableEncoder encoder, long start, int n)
    {
        int binned = encoder.BinnedColumnCount;
        if (binned == 0) return null;
        var u = new float[n * binned];
        ReverseProcess.Uniforms(key.WithStream(BinPositionStream), (ulong)start * (ulong)binned, u);
        return u;
    }

    /// <summary>Largest |x̂₀| of a numeric column: quantile-normal values lie well inside it, and it bounds ε̂'s errors amplified by 1/a_t.</summary>
    internal const float StartClamp = 4f;

    /// <summary>
    /// Turns the prediction into x̂₀ in place: span columns already hold softmax probabilities;
    /// numeric columns hold r̂ = ε̂ − s_t·x_t, so x̂₀ = (x_t − s_t·ε̂)/a_t, clamped to ±<see cref="StartClamp"/>.
    /// </summary>
    internal static void StartEstimate(ReadOnlySpan<float> x, Span<float> prediction, int n, int width, ReadOnlySpan<bool> spanColumns, float a, float s)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < width; j++)
            {
                if (spanColumns[j]) continue;
                int k = i * width + j;
                float epsilon = s * x[k] + prediction[k]; // the head predicts ξ − s_t·x_t
                prediction[k] = Math.Clamp((x[k] - s * epsilon) / a, -StartClamp, StartClamp);
            }
    }

    /// <summary>
    /// One ancestral step of the variance-preserving process: x_{t−1} ~ q(x_{t−1} | x_t, x̂₀) =
    /// N(c₁·x̂₀ + c₂·x_t, σ²) with ᾱ = a², α_t = ᾱ_t/ᾱ_{t−1}, c₁ = a_{t−1}·(1 − α_t)/(1 − ᾱ_t),
    /// c₂ = √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), σ² = (1 − α_t)(1 − ᾱ_{t−1})/(1 − ᾱ_t).
    /// </summary>
    internal static void PosteriorStep(Span<float> x, ReadOnlySpan<float> start, ReadOnlySpan<float> z, float a, float aPrevious)
    {
        double barT = (double)a * a, barPrev = (double)aPrevious * aPrevious, alpha = barT / barPrev;
        float c1 = (float)(aPrevious * (1 - alpha) / (1 - barT));
        float c2 = (float)(Math.Sqrt(alpha) * (1 - barPrev) / (1 - barT));
        float sigma = (float)Math.Sqrt((1 - alpha) * (1 - barPrev) / (1 - barT));
        // Three vectorised passes: x ← c₂·x, x ← c₁·x̂₀ + x, x ← σ·z + x.
        TensorPrimitives.Multiply(x, c2, x);
        TensorPrimitives.MultiplyAdd(start[..x.Length], c1, x, x);
        TensorPrimitives.MultiplyAdd(z[..x.Length], sigma, x, x);
    }

    /// <summary>Writes x_t rows followed by the one-hot of <paramref name="t"/> (when the input is wider than the row).</summary>
    internal static void StepInputs(ReadOnlySpan<float> rows, Span<float> inputs, int n, int width, int inputWidth, int t)
    {
        for (int i = 0; i < n; i++)
        {
            var row = inputs.Slice(i * inputWidth, inputWidth);
            rows.Slice(i * width, width).CopyTo(row);
            if (inputWidth == width) continue;
            row[width..].Clear();
            row[width + t] = 1f;
        }
    }

    /// <summary>
    /// Turns each span's probabilities into a one-hot of the category drawn by inverse CDF with the
    /// uniform u[i·spans + s], so that decoding by argmax returns the drawn category.
    /// </summary>
    internal static void DrawCategories(Span<float> probabilities, int n, int width, ColumnSpans spans, ReadOnlySpan<float> u)
    {
        for (int i = 0; i < n; i++)
            for (int s = 0; s < spans.Count; s++)
            {
                var block = probabilities.Slice(i * width + spans.Starts[s], spans.Lengths[s]);
                double target = u[i * spans.Count + s], cumulative = 0;
                int chosen = block.Length - 1;
                for (int j = 0; j < block.Length; j++)
                {
                    cumulative += block[j];
                    if (target < cumulative) { chosen = j; break; }
                }
                block.Clear();
                block[chosen] = 1f;
            }
    }

    /// <summary>Φ(z) through erfc (Abramowitz &amp; Stegun 7.1.26, absolute error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2), k = 1 / (1 + 0.3275911 * x);
        double erfc = k * (0.254829592 + k * (-0.284496736 + k * (1.421413741 + k * (-1.453152027 + k * 1.061405429)))) * Math.Exp(-x * x);
        return z >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
