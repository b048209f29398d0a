using DpSynth.Kernels.Random;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>What <see cref="CertificateChecker"/> found.</summary>
/// <param name="CertifiedLipschitz">The certified L_μ.</param>
/// <param name="MaxRatio">The largest ‖μ(x) − μ(x′)‖/‖x − x′‖ found.</param>
/// <param name="Sensitivity">Δ the release uses.</param>
/// <param name="MaxDistance">The largest ‖μ(x) − μ(x′)‖ found.</param>
/// <param name="Searches">Gradient-ascent runs (each from a random start).</param>
/// <param name="Draws">Latents drawn for the empirical privacy loss.</param>
/// <param name="PairMu">d/σ of the farthest pair found (its exact GDP μ).</param>
/// <param name="ReleaseMu">Δ/σ, the μ one twin is charged.</param>
/// <param name="LossMean">Empirical mean of the privacy loss at the farthest pair (exact: (d/σ)²/2).</param>
/// <param name="LossStd">Empirical standard deviation of that loss (exact: d/σ).</param>
/// <param name="Failure">Why the check failed, or null when it passed.</param>
public sealed record CertificateReport(double CertifiedLipschitz, double MaxRatio, double Sensitivity, double MaxDistance, int Searches,
    long Draws, double PairMu, double ReleaseMu, double LossMean, double LossStd, string? Failure)
{
    /// <summary>Whether no violation was found.</summary>
    public bool Passed => Failure is null;
}

/// <summary>
/// Tries to break the certificate of a <see cref="CertifiedEncoder"/>: projected gradient ascent over the
/// hull of the input box for pairs maximising ‖μ(x) − μ(x′)‖/‖x − x′‖ (from nearby and from distant starts)
/// and ‖μ(x) − μ(x′)‖; a ratio above the certified L_μ or a distance above Δ is a violation. Then it draws
/// latents z = μ(x) + σ·ξ for the farthest pair and checks that the privacy loss
/// ln p(z | x)/p(z | x′) = (‖z − μ(x′)‖² − ‖z − μ(x)‖²)/(2σ²) has the N(m²/2, m²) law of m-GDP with
/// m = d/σ ≤ Δ/σ (Dong, Roth &amp; Su 2022).
/// </summary>
public static class CertificateChecker
{
    /// <summary>Runs the searches and the privacy-loss check.</summary>
    /// <param name="mean">The encoder mean.</param>
    /// <param name="box">Its input box.</param>
    /// <param name="sensitivity">Δ the release uses.</param>
    /// <param name="sigma">σ of the release.</param>
    /// <param name="seed">Seed of the starts and draws.</param>
    /// <param name="searches">Gradient-ascent runs.</param>
    /// <param name="iterations">Steps per run.</param>
    /// <param name="draws">Latents for the privacy loss (10⁶ by default).</param>
    public static CertificateReport Check(CertifiedEncoder mean, InputBox box, double sensitivity, double sigma, ulong seed,
        int searches = 48, int iterations = 150, long draws = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(box);
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        double maxRatio = 0, maxDistance = 0;
        double[] farX = new double[box.Width], farY = new double[box.Width];
        for (int s = 0; s < searches; s++)
        {
            var (x, y) = Start(box, random, near: s % 3 == 0);
            var ratio = Ascend(mean, box, x, y, iterations, ratio: true);
            maxRatio = Math.Max(maxRatio, ratio.Ratio);
            (x, y) = Start(box, random, near: false);
            var far = Ascend(mean, box, x, y, iterations, ratio: false);
            if (far.Distance > maxDistance) { maxDistance = far.Distance; x.CopyTo(farX, 0); y.CopyTo(farY, 0); }
            maxRatio = Math.Max(maxRatio, far.Ratio);
        }
        var (lossMean, lossStd) = PrivacyLoss(mean, farX, farY, sigma, seed, draws);
        double pairMu = maxDistance / sigma, releaseMu = sensitivity / sigma;
        string? failure = null;
        if (maxRatio > mean.Lipschitz) failure = FormattableString.Invariant($"a pair has ratio {maxRatio:R} above the certified Lipschitz bound {mean.Lipschitz:R}");
        else if (maxDistance > sensitivity) failure = FormattableString.Invariant($"a pair is {maxDistance:R} apart in the latent space, above the sensitivity {sensitivity:R}");
        else
        {
            // The loss is N(m²/2, m²); allow 6 standard errors of each estimate (and a floor for m ≈ 0).
            double n = draws, tolMean = 6 * pairMu / Math.Sqrt(n) + 1e-9, tolStd = 6 * pairMu / Math.Sqrt(2 * n) + 1e-9;
            if (Math.Abs(lossMean - pairMu * pairMu / 2) > tolMean || Math.Abs(lossStd - pairMu) > tolStd)
                failure = FormattableString.Invariant($"the empirical privacy loss (mean {lossMean:R}, sd {lossStd:R}) does not follow N(m^2/2, m^2) with m = {pairMu:R}");
            else if (lossStd > releaseMu + tolStd)
                failure = FormattableString.Invariant($"the empirical privacy loss's sd {lossStd:R} exceeds the charged mu {releaseMu:R}");
        }
        return new CertificateReport(mean.Lipschitz, maxRatio, sensitivity, maxDistance, searches, draws, pairMu, releaseMu, lossMean, lossStd, failure);
    }

    private static (double[] X, double[] Y) Start(InputBox box, Random random, bool near)
    {
        var x = new double[box.Width];
        var y = new double[box.Width];
        box.RandomVertex(random, x);
        if (near)
        {
            for (int i = 0; i < y.Length; i++) y[i] = x[i] + 1e-3 * (random.NextDouble() - 0.5);
            box.Project(y);
        }
        else box.RandomVertex(random, y);
        return (x, y);
    }

    /// <summary>Projected normalised-gradient ascent on the ratio (or the distance); returns the best of both seen.</summary>
    private static (double Ratio, double Distance) Ascend(CertifiedEncoder mean, InputBox box, double[] x, double[] y, int iterations, bool ratio)
    {
        int dz = mean.LatentWidth, n = x.Length;
        var mx = new double[dz];
        var my = new double[dz];
        var px = new double[mean.Layers.Count][];
        var py = new double[mean.Layers.Count][];
        double bestRatio = 0, bestDistance = 0;
        var bestX = (double[])x.Clone();
        var bestY = (double[])y.Clone();
        for (int it = 0; it <= iterations; it++)
        {
            mean.Forward(x, mx, px);
            mean.Forward(y, my, py);
            var u = new double[dz];
            double a = 0, b = 0;
            for (int j = 0; j < dz; j++) { u[j] = mx[j] - my[j]; a += u[j] * u[j]; }
            for (int i = 0; i < n; i++) b += (x[i] - y[i]) * (x[i] - y[i]);
            a = Math.Sqrt(a);
            b = Math.Sqrt(b);
            if (b > 0) bestRatio = Math.Max(bestRatio, a / b);
            double objective = ratio ? (b > 0 ? a / b : 0) : a;
            if (objective >= (ratio ? bestRatio : bestDistance)) { x.CopyTo(bestX, 0); y.CopyTo(bestY, 0); }
            bestDistance = Math.Max(bestDistance, a);
            if (it == iterations || a == 0) break;
            for (int j = 0; j < dz; j++) u[j] /= a;
            var gx = mean.PullBack(px, u);
            var gy = mean.PullBack(py, u);
            for (int i = 0; i < n; i++)
            {
                gy[i] = -gy[i];
                if (ratio && b > 0)
                {
                    double e = (x[i] - y[i]) / b;
                    gx[i] = gx[i] / b - a * e / (b * b);
                    gy[i] = gy[i] / b + a * e / (b * b);
                }
            }
            double norm = Math.Sqrt(gx.Sum(v => v * v) + gy.Sum(v => v * v));
            if (!(norm > 0)) break;
            // Step lengths shrink from 0.1 to 0.001 of the box's unit; near pairs move more gently.
            double step = (ratio ? Math.Max(1e-4, Math.Min(0.1, b)) : 0.1) * Math.Pow(0.01, it / (double)iterations) / norm;
            for (int i = 0; i < n; i++) { x[i] += step * gx[i]; y[i] += step * gy[i]; }
            box.Project(x);
            box.Project(y);
        }
        bestX.CopyTo(x, 0);
        bestY.CopyTo(y, 0);
        return (bestRatio, bestDistance);
    }

    /// <summary>Mean and standard deviation of the privacy loss of <paramref name="draws"/> latents z = μ(x) + σ·ξ against x′.</summary>
    private static (double Mean, double Std) PrivacyLoss(CertifiedEncoder mean, double[] x, double[] y, double sigma, ulong seed, long draws)
    {
        int dz = mean.LatentWidth;
        var mx = new double[dz];
        var my = new double[dz];
        mean.Mean(x, mx);
        mean.Mean(y, my);
        var key = NoiseKey.FromSeed(seed, NoiseStreams.LvaeCertificate);
        const int chunk = 4096;
        var xi = new float[chunk * dz];
        double sum = 0, sumSq = 0;
        for (long first = 0; first < draws; first += chunk)
        {
            int n = (int)Math.Min(chunk, draws - first);
            GaussianStream.Fill(key, (ulong)first * (ulong)dz, xi.AsSpan(0, n * dz));
            for (int r = 0; r < n; r++)
            {
                double loss = 0;
                for (int j = 0; j < dz; j++)
                {
                    // ‖z − μ′‖² − ‖z − μ‖² = Σ (μ − μ′)(2z − μ − μ′), without cancelling large squares.
                    double z = mx[j] + sigma * xi[r * dz + j];
                    loss += (mx[j] - my[j]) * (2 * z - mx[j] - my[j]);
                }
                loss /= 2 * sigma * sigma;
                sum += loss;
                sumSq += loss * loss;
            }
        }
        double m = sum / draws;
        return (m, Math.Sqrt(Math.Max(0, sumSq / draws - m * m)));
    }
}
