using DpSynth.Kernels;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// DP one-way marginals of every softmax span (categories, numeric bins, missing indicators),
/// released once with the Gaussian mechanism and then used twice, both as post-processing:
/// the denoiser's head starts from them (zero weights, biases = log-probabilities), so DP-SGD
/// spends its few noisy steps on relationships rather than on rediscovering frequencies; and
/// sampling reweights the final softmaxes so that the synthetic marginals match them.
/// </summary>
/// <remarks>
/// Each record adds exactly one to one slot of every span, so the count vector has L2
/// sensitivity √S for S spans under add/remove-one. Negative and small noisy counts (below σ) are
/// set to zero before normalising, which removes most of the mass noise puts on empty slots.
/// </remarks>
public static class SpanMarginals
{
    /// <summary>Smallest probability kept, so that log-probabilities and reweighting stay finite.</summary>
    public const float Floor = 1e-6f;

    /// <summary>σ of the release: the analytic Gaussian mechanism at (ε, δ) for sensitivity √S.</summary>
    public static double Sigma(double epsilon, double delta, ColumnSpans spans) =>
        AnalyticGaussianMechanism.CalibrateSigma(epsilon, delta, Math.Sqrt(spans.Count));

    /// <summary>
    /// Spends the stage on <paramref name="ledger"/>, then returns per-slot probabilities (width
    /// floats; each span sums to one, columns outside spans are zero).
    /// </summary>
    /// <param name="encoded">The encoded private rows (one-hot within every span).</param>
    /// <param name="sigma">Noise standard deviation per count.</param>
    /// <param name="random">Randomness of the mechanism.</param>
    /// <param name="ledger">The ledger to spend on.</param>
    public static float[] Release(IEncodedRows encoded, double sigma, IRandomSource random, PrivacyLedger ledger)
    {
        var spans = encoded.SoftmaxSpans;
        int w = encoded.Width;
        var slots = SpanSlots(spans);
        var counts = new double[slots.Length];
        var row = new float[w];
        for (int r = 0; r < encoded.Rows; r++)
        {
            encoded.CopyRow(r, row);
            for (int k = 0; k < slots.Length; k++) counts[k] += row[slots[k]];
        }
        var noisy = AnalyticGaussianMechanism.Release(counts, sigma, Math.Sqrt(spans.Count), random, ledger, "one-way marginals of the encoded spans");
        var probabilities = new float[w];
        for (int k = 0; k < slots.Length; k++) probabilities[slots[k]] = (float)(noisy[k] < sigma ? 0 : noisy[k]);
        Normalise(probabilities, spans);
        return probabilities;
    }

    /// <summary>Scales each span to sum to one, flooring every slot at <see cref="Floor"/> (uniform when a span is all zero).</summary>
    internal static void Normalise(Span<float> probabilities, ColumnSpans spans)
    {
        for (int s = 0; s < spans.Count; s++)
        {
            var block = probabilities.Slice(spans.Starts[s], spans.Lengths[s]);
            double total = 0;
            foreach (float v in block) total += v;
            for (int j = 0; j < block.Length; j++)
                block[j] = Math.Max(Floor, total > 0 ? (float)(block[j] / total) : 1f / block.Length);
        }
    }

    /// <summary>
    /// Starts the linear head from the marginals: the weights into span outputs are zero and their
    /// biases are the log-probabilities, so the untrained denoiser predicts the marginals for every input.
    /// </summary>
    /// <param name="weight">The head's weight matrix, outputs × inputs, row-major.</param>
    /// <param name="bias">The head's biases, one per output.</param>
    /// <param name="marginals">Probabilities from <see cref="Release"/>.</param>
    /// <param name="spans">The spans.</param>
    public static void InitialiseHead(Span<float> weight, Span<float> bias, ReadOnlySpan<float> marginals, ColumnSpans spans)
    {
        int inputs = weight.Length / bias.Length;
        foreach (int j in SpanSlots(spans))
        {
            weight.Slice(j * inputs, inputs).Clear();
            bias[j] = MathF.Log(Math.Max(Floor, marginals[j]));
        }
    }

    private static int[] SpanSlots(ColumnSpans spans)
    {
        var slots = new List<int>();
        for (int s = 0; s < spans.Count; s++)
            for (int j = 0; j < spans.Lengths[s]; j++) slots.Add(spans.Starts[s] + j);
        return slots.ToArray();
    }
}
