namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Where the stimulus generators' outputs live in the teacher's scaled input space: column j of a
/// stimulus is centre[j] + spread[j]·tanh(·). Centring the generators on the typical window and giving
/// each column the spread of the windows is what lets students learn from the stimuli: generators
/// centred on the middle of the public bounds (SpO₂ at 90 %, every column free over [−1, 1]) produce
/// stimuli the teacher labels confidently after one or two steps but that lie far from any real window,
/// and students trained on them stayed near chance on real windows (53 % against the teacher's 90 %
/// on the apnea study).
/// </summary>
/// <param name="Centre">Per-column centre in scaled units.</param>
/// <param name="Spread">Per-column half-width in scaled units (positive).</param>
/// <param name="Source">How the range was obtained: "windows" (read from the training windows, non-DP only), "dp" (released by the Gaussian mechanism, spent in the ledger) or "bounds" (the middle of the public bounds).</param>
public sealed record GeneratorRange(float[] Centre, float[] Spread, string Source)
{
    /// <summary>
    /// Spread as a multiple of each column's standard deviation. On the apnea study (32,000 stimuli,
    /// same-architecture student) 1 gave 85.5 %, 1.25 gave 85.7 %, 1.5 gave 86.2 % and 2 did worse
    /// (83.3 % against 85.3 % for 1 at the old student schedule); 0.5 gave 81.7 %.
    /// </summary>
    public const double SpreadFactor = 1.5;

    /// <summary>Range read from the training windows: per-column mean and <see cref="SpreadFactor"/> × standard deviation (reads private data: non-DP only).</summary>
    public static GeneratorRange FromWindows(float[] scaled, int width)
    {
        int n = scaled.Length / width;
        var mean = new double[width];
        var squares = new double[width];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < width; j++)
            {
                double v = scaled[i * width + j];
                mean[j] += v;
                squares[j] += v * v;
            }
        var centre = new float[width];
        var spread = new float[width];
        for (int j = 0; j < width; j++)
        {
            double m = mean[j] / Math.Max(1, n);
            centre[j] = (float)m;
            spread[j] = (float)Math.Max(SpreadFactor * Math.Sqrt(Math.Max(0, squares[j] / Math.Max(1, n) - m * m)), MinSpread);
        }
        return new GeneratorRange(centre, spread, "windows");
    }

    /// <summary>
    /// Range released by the Gaussian mechanism (spent in <paramref name="ledger"/> as one stage): each
    /// row's vector (x, x²/limit) — x the clamped scaled window — has L2 norm at most limit·√(2·width),
    /// so the noisy column sums of x and x² have that sensitivity; divided by the (DP) row count they
    /// give each column's mean and standard deviation (spread: <see cref="SpreadFactor"/> × it). The noise is σ = <paramref name="sigma"/> × the
    /// sensitivity.
    /// </summary>
    /// <param name="scaled">The private scaled windows (values in [−limit, limit]).</param>
    /// <param name="width">Columns.</param>
    /// <param name="limit">The scaling's clamp limit.</param>
    /// <param name="rows">The released row count Ñ.</param>
    /// <param name="sigma">Noise multiplier (noise standard deviation per unit of sensitivity).</param>
    /// <param name="random">Randomness of the noise.</param>
    /// <param name="ledger">The fit's ledger; the stage is spent before the windows are read.</param>
    public static GeneratorRange Private(float[] scaled, int width, float limit, long rows, double sigma,
        Privacy.Randomness.IRandomSource random, Privacy.Ledger.PrivacyLedger ledger)
    {
        int n = scaled.Length / width;
        double sensitivity = limit * Math.Sqrt(2.0 * width);
        var sums = new double[2 * width];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < width; j++)
            {
                double v = Math.Clamp(scaled[i * width + j], -limit, limit);
                sums[j] += v;
                sums[width + j] += v * v / limit;
            }
        var noisy = Privacy.Mechanisms.AnalyticGaussianMechanism.Release(sums, sigma * sensitivity, sensitivity, random, ledger,
            "stimulus generators' output range (column means and spreads)");
        double count = Math.Max(1, rows);
        var centre = new float[width];
        var spread = new float[width];
        for (int j = 0; j < width; j++)
        {
            double mean = Math.Clamp(noisy[j] / count, -limit, limit);
            double second = Math.Clamp(noisy[width + j] * limit / count, 0, (double)limit * limit);
            centre[j] = (float)mean;
            spread[j] = (float)Math.Clamp(SpreadFactor * Math.Sqrt(Math.Max(0, second - mean * mean)), MinSpread, limit);
        }
        return new GeneratorRange(centre, spread, "dp");
    }

    /// <summary>The whole public range: centre 0, spread = the scaling's limit.</summary>
    public static GeneratorRange FromBounds(int width, float limit) =>
        new(new float[width], Enumerable.Repeat(limit, width).ToArray(), "bounds");

    /// <summary>Smallest spread kept (a constant column would otherwise freeze its generators' outputs).</summary>
    public const float MinSpread = 1e-2f;

    /// <summary>Number of columns.</summary>
    public int Width => Centre.Length;
}
