using DpSynth.Kernels.Random;

namespace DpSynth.Models.Training;

/// <summary>
/// Poisson sampling for DP-SGD: at every step each of N records is included independently with
/// probability q — the sampling the subsampled-Gaussian accountant assumes. Batches vary in size.
/// </summary>
/// <remarks>
/// Instead of N coin flips per step it draws the gaps between included records, which are i.i.d.
/// Geometric(q): gap = ⌊ln U / ln(1 − q)⌋ with P(gap ≥ k) = (1 − q)^k, exactly the Bernoulli process.
/// Uniforms have 53 bits and come from the ChaCha20 keystream of the trainer's key on a stream of
/// their own, addressed by (step, counter): a step's batch is a pure function of (key, step), so a
/// resumed run draws the same batches, and a CSPRNG key keeps the sampling unpredictable.
/// </remarks>
public sealed class PoissonSampler
{
    /// <summary>The ChaCha20 stream id reserved for sampling (noise uses the key's own stream).</summary>
    public const ulong SamplingStream = NoiseStreams.PoissonSampling;

    private readonly NoiseKey _key;
    private readonly int[] _indices;
    private readonly uint[] _block = new uint[16];
    private readonly double _logComplement;

    /// <summary>Creates a sampler over <paramref name="records"/> records with rate <paramref name="sampleRate"/>.</summary>
    public PoissonSampler(int records, double sampleRate, NoiseKey key)
    {
        if (records <= 0) throw new ArgumentOutOfRangeException(nameof(records), $"Poisson sampling needs at least one record, got {records}.");
        if (!(sampleRate > 0 && sampleRate <= 1)) throw new ArgumentOutOfRangeException(nameof(sampleRate), $"Sample rate must be in (0, 1], got {sampleRate}.");
        Records = records;
        SampleRate = sampleRate;
        _key = key.WithStream(SamplingStream);
        _indices = new int[records];
        _logComplement = Math.Log(1 - sampleRate); // −∞ for q = 1: every gap is 0
    }

    /// <summary>Number of records N.</summary>
    public int Records { get; }

    /// <summary>Inclusion probability q.</summary>
    public double SampleRate { get; }

    /// <summary>Expected batch size q·N — the divisor of DP-SGD's gradient.</summary>
    public double ExpectedBatchSize => SampleRate * Records;

    /// <summary>
    /// A buffer capacity that Binomial(N, q) exceeds with negligible probability (mean + z·sd,
    /// z = <paramref name="sigmas"/>), capped at N. Larger batches are still processed — in chunks.
    /// </summary>
    public static int Capacity(int records, double sampleRate, double sigmas = 6)
    {
        double mean = records * sampleRate, sd = Math.Sqrt(records * sampleRate * (1 - sampleRate));
        return (int)Math.Min(records, Math.Ceiling(mean + sigmas * sd) + 1);
    }

    /// <summary>
    /// The sorted record indices of step <paramref name="step"/>'s batch. The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<int> Sample(long step)
    {
        if (step < 0 || step >= 1L << 39) throw new ArgumentOutOfRangeException(nameof(step), $"Step {step} is outside the sampler's range.");
        // Each step owns 2^24 ChaCha blocks (2^27 uniforms), far more than N + 1 draws.
        ulong block = (ulong)step << 24;
        int slot = 16, count = 0;
        long index = -1;
        while (true)
        {
            if (slot == 16)
            {
                ChaCha20.KeystreamBlock(_key, block++, _block);
                slot = 0;
            }
            ulong bits = ((ulong)(_block[slot] >> 5) << 26) | (_block[slot + 1] >> 6);
            slot += 2;
            double u = 1.0 - bits * (1.0 / (1UL << 53)); // (0, 1], so ln u is finite
            double gap = Math.Floor(Math.Log(u) / _logComplement);
            if (double.IsNaN(gap)) gap = 0; // q = 1 and u = 1: 0/−∞
            if (index + 1 + gap >= Records) break;
            index += 1 + (long)gap;
            _indices[count++] = (int)index;
        }
        return _indices.AsSpan(0, count);
    }
}
