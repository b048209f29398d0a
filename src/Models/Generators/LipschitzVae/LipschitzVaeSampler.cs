using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// Latents → synthetic rows for both release modes. Global row g reads Gaussian elements g·d_z … of
/// its mode's streams and category uniforms from block g·⌈spans/8⌉ of the category stream, so shards
/// draw disjoint noise and, with a seed, concatenate to the unsharded output.
/// <list type="bullet">
/// <item>Prior mode: z ~ N(0, I) (the KL term's prior), x̃ = Dec(z).</item>
/// <item>Twins mode (the mechanism): twin j of record r is row g = r·k + j; z = μ(x_r) + σ·ξ with ξ
/// from the release stream — this z is what the Gaussian mechanism releases. Everything after is
/// post-processing: the Bayes posterior of μ under a public N(0, τ²I) prior, μ̃ ~ N(a·z, v·I) with
/// a = τ²/(τ² + σ²) and v = a·σ², then x̃ = Dec(μ̃ + σ_train·ξ′). When σ is large, a → 0 and the
/// twins become prior samples; when σ is small, they are reconstructions of their records.</item>
/// </list>
/// Categories (and missing indicators) are drawn from the decoder's softmax; numerics get the decoder's
/// Gaussian (<see cref="LipschitzVaeOptions.DecoderSigma"/>), reflected into [0, 1].
/// </summary>
public static class LipschitzVaeSampler
{
    /// <summary>Prior mode.</summary>
    public static IEnumerable<Table> Prior(LipschitzVaeModel model, IComputeBackend backend, SampleRequest request, int batchRows = 2048)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.Draw != 0) throw new ArgumentException($"a Lipschitz VAE has one set of parameters: parameter draw {request.Draw} does not exist");
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "batches need at least one row");
        var key = request.Seed is ulong s ? NoiseKey.FromSeed(s) : NoiseKey.CreateSecure();
        var prior = key.WithStream(NoiseStreams.LvaePrior);
        int dz = model.Options.LatentWidth;
        return Decode(model, backend, request, batchRows, key, (g, latent) => GaussianStream.Fill(prior, (ulong)g * (ulong)dz, latent));
    }

    /// <summary>Twins mode for a planned release (the release's ledger entry is the caller's, see <see cref="TwinsRelease"/>).</summary>
    internal static IEnumerable<Table> Twins(LipschitzVaeModel model, TwinsRelease release, float[] encodedSource, IComputeBackend backend,
        SampleRequest request, int batchRows)
    {
        request.Validate();
        var key = request.Seed is ulong s ? NoiseKey.FromSeed(s) : NoiseKey.CreateSecure();
        var releaseKey = key.WithStream(NoiseStreams.LvaeRelease);
        var posteriorKey = key.WithStream(NoiseStreams.LvaePosterior);
        int dz = model.Options.LatentWidth, w = model.Encoder.Width, k = release.PerRecord;
        double sigma = release.Sigma, tau2 = model.Options.MeanPriorVariance;
        double a = tau2 / (tau2 + sigma * sigma);
        double spread = Math.Sqrt(a * sigma * sigma + model.Options.LatentSigma * model.Options.LatentSigma);
        var x = new double[w];
        var mu = new double[dz];
        var xi = new float[dz];
        var released = new double[dz];
        return Decode(model, backend, request, batchRows, key, (g, latent) =>
        {
            long record = g / k;
            for (int i = 0; i < w; i++) x[i] = encodedSource[record * w + i];
            release.Mean.Mean(x, mu);
            LatentRelease.Release(mu, sigma, releaseKey, (ulong)g * (ulong)dz, xi, released); // the Gaussian mechanism
            GaussianStream.Fill(posteriorKey, (ulong)g * (ulong)dz, latent);
            for (int j = 0; j < dz; j++) latent[j] = (float)(a * released[j] + spread * latent[j]);
        });
    }

    private static IEnumerable<Table> Decode(LipschitzVaeModel model, IComputeBackend backend, SampleRequest request, int batchRows,
        NoiseKey key, Action<long, Span<float>> latentOf)
    {
        int dz = model.Options.LatentWidth, w = model.Encoder.Width;
        long first = request.FirstRow, end = request.EndRow;
        int capacity = (int)Math.Max(1, Math.Min(batchRows, end - first));
        var spans = model.Encoder.SoftmaxSpans;
        ulong blocksPerRow = (ulong)Math.Max(1, (spans.Count + 7) / 8);
        var categories = key.WithStream(NoiseStreams.LvaeCategory);
        var decoderNoise = key.WithStream(NoiseStreams.LvaeDecoder);
        var numeric = model.Box.NumericPositions;
        float decoderSigma = (float)model.Options.DecoderSigma;
        var noise = new float[Math.Max(1, numeric.Count)];
        using var network = new Network(backend, LipschitzVaeNetwork.Decoder(w, model.Options), capacity);
        if (network.Parameters.Length != model.DecoderParameters.Length)
            throw new ArgumentException($"The model holds {model.DecoderParameters.Length} decoder parameters; its hyper-parameters need {network.Parameters.Length}.");
        network.WriteParameters(model.DecoderParameters);
        using var inputStorage = backend.Allocate(capacity, dz).Storage;
        var latents = new float[capacity * dz];
        var rows = new float[capacity * w];
        for (long start = first; start < end; start += capacity)
        {
            int n = (int)Math.Min(capacity, end - start);
            for (int i = 0; i < n; i++) latentOf(start + i, latents.AsSpan(i * dz, dz));
            var input = inputStorage.View(capacity, dz).SliceRows(0, n);
            backend.Upload(latents.AsSpan(0, n * dz), input);
            backend.Download(network.Predict(input), rows.AsSpan(0, n * w));
            for (int i = 0; i < n; i++)
            {
                var uniforms = new ChaChaUniforms(categories, (ulong)(start + i) * blocksPerRow);
                var row = rows.AsSpan(i * w, w);
                for (int s = 0; s < spans.Count; s++) DrawOneHot(row.Slice(spans.Starts[s], spans.Lengths[s]), uniforms.Next());
                if (decoderSigma > 0 && numeric.Count > 0)
                {
                    GaussianStream.Fill(decoderNoise, (ulong)(start + i) * (ulong)numeric.Count, noise);
                    for (int j = 0; j < numeric.Count; j++) row[numeric[j]] = Reflect(row[numeric[j]] + decoderSigma * noise[j]);
                }
            }
            yield return model.Encoder.Decode(rows.AsSpan(0, n * w), n);
        }
    }

    /// <summary>Folds a value back into [0, 1] by reflection at the ends (clamping would pile mass on the bounds).</summary>
    private static float Reflect(float v)
    {
        if (!float.IsFinite(v)) return 0.5f;
        v = Math.Abs(v) % 2f;
        return v > 1f ? 2f - v : v;
    }

    /// <summary>Replaces a block of logits by the one-hot of a draw from their softmax (u ∈ (0, 1]).</summary>
    private static void DrawOneHot(Span<float> logits, double u)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double total = 0;
        foreach (float v in logits) total += Math.Exp(v - max);
        double target = (1 - u) * total;
        int chosen = logits.Length - 1;
        for (int i = 0; i < logits.Length; i++)
        {
            target -= Math.Exp(logits[i] - max);
            if (target < 0) { chosen = i; break; }
        }
        if (float.IsNaN(max)) chosen = 0;
        logits.Clear();
        logits[chosen] = 1;
    }
}
