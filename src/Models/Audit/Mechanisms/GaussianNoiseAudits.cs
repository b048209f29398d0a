using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Generators.LipschitzVae;
using DpSynth.Privacy.Auditing;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Mechanisms;
using DpSynth.Privacy.Numerics;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>
/// Audits of the continuous Gaussian noise: the counter-based ChaCha20 stream as each compute backend
/// adds it (DP-SGD's noise), and the analytic Gaussian mechanism's Box–Muller release of a count.
/// The pair is (x, x + Δ) with Δ the sensitivity; the claim is μ = Δ/σ.
/// </summary>
internal static class GaussianNoiseAudits
{
    /// <summary>
    /// Adds noise σ' to n zeros and to n copies of Δ on <paramref name="backend"/> (disjoint ranges of
    /// one key's stream), and compares the outputs with the claim for σ. σ' = σ unless a positive control divides it.
    /// </summary>
    public static MechanismAuditRow Stream(IComputeBackend backend, int draws, double sigma, double sensitivity, NoiseKey key, double alpha,
        PositiveControl control)
    {
        double actual = control == PositiveControl.NoiseDividedByTen ? sigma / 10 : sigma;
        var first = Draw(backend, key, 0, draws, 0f, (float)actual);
        var second = Draw(backend, key, (ulong)draws, draws, (float)sensitivity, (float)actual);
        var noise = NoiseCheck.Of(first.ToArray(), Normal(sigma)); // first holds pure noise
        double mu = sensitivity / sigma;
        return NeighbourTest.MuRow("gaussian (chacha20 stream)", Setting(backend.Name, sigma, sensitivity), first, second, sensitivity / 2, mu, mu, alpha, noise, control);
    }

    /// <summary>
    /// <see cref="AnalyticGaussianMechanism.Release"/> on a vector of counts: n coordinates hold N and n
    /// hold N + 1 (a count's neighbours). The coordinates get independent noise, so each is one draw of
    /// the count's release on one side of the pair.
    /// </summary>
    public static MechanismAuditRow Count(int draws, double sigma, IRandomSource random, double alpha)
    {
        const double count = 1000;
        var first = Release(Enumerable.Repeat(count, draws).ToArray(), sigma, random);
        var second = Release(Enumerable.Repeat(count + 1, draws).ToArray(), sigma, random);
        var noise = first.Select(x => x - count).ToArray();
        return NeighbourTest.MuRow("gaussian count (analytic, box-muller)", string.Create(CultureInfo.InvariantCulture, $"count 1000 vs 1001, sigma {sigma:0.###}"),
            first, second, count + 0.5, 1 / sigma, 1 / sigma, alpha, NoiseCheck.Of(noise, Normal(sigma)), PositiveControl.None);
    }

    /// <summary>
    /// The Lipschitz VAE's latent release (<see cref="LatentRelease"/>) on means
    /// 0 and Δ·u in a 4-wide latent, u a unit diagonal: the released z projected on u is the mechanism's
    /// output along the direction the neighbours differ in, so its μ is Δ/σ.
    /// </summary>
    public static MechanismAuditRow Latent(int draws, double sigma, double sensitivity, NoiseKey key, double alpha)
    {
        const int width = 4;
        double unit = 1 / Math.Sqrt(width);
        var zero = new double[width];
        var shifted = Enumerable.Repeat(sensitivity * unit, width).ToArray();
        var xi = new float[width];
        var released = new double[width];
        var first = new double[draws];
        var second = new double[draws];
        for (int i = 0; i < draws; i++)
        {
            first[i] = Projected(zero, (ulong)i * width);
            second[i] = Projected(shifted, (ulong)(draws + i) * width);
        }
        double mu = sensitivity / sigma;
        return NeighbourTest.MuRow("lipschitz vae latent release", string.Create(CultureInfo.InvariantCulture, $"mean 0 vs delta u (4-wide), sigma {sigma:0.###}"),
            first, second, sensitivity / 2, mu, mu, alpha, NoiseCheck.Of(first, Normal(sigma)), PositiveControl.None); // first's projection is pure N(0, σ²) noise

        double Projected(double[] mean, ulong offset)
        {
            LatentRelease.Release(mean, sigma, key, offset, xi, released);
            double z = 0;
            for (int j = 0; j < width; j++) z += released[j] * unit;
            return z;
        }
    }

    private static double[] Release(double[] values, double sigma, IRandomSource random)
    {
        // A throwaway ledger: the audit spends nothing real, it only drives the public release path.
        var ledger = new PrivacyLedger(new PrivacyBudget(1e12, 0.5), random.Record, Privacy.Calibration.AccountantKind.Rdp);
        return AnalyticGaussianMechanism.Release(values, sigma, 1, random, ledger, "audit");
    }

    private static double[] Draw(IComputeBackend backend, NoiseKey key, ulong offset, int draws, float value, float sigma)
    {
        var host = new float[draws];
        Array.Fill(host, value);
        var storage = backend.Allocate(1, draws).Storage;
        try
        {
            var x = storage.View(1, draws);
            backend.Upload(host, x);
            backend.AddGaussianNoise(x, sigma, key, offset);
            backend.Download(x, host);
        }
        finally { storage.Dispose(); }
        return Array.ConvertAll(host, v => (double)v);
    }

    internal static NoiseLaw Normal(double sigma) => new(string.Create(CultureInfo.InvariantCulture, $"N(0, {sigma:0.###}^2)"), 0, sigma * sigma,
        3 * Math.Pow(sigma, 4), x => StandardNormal.Cdf(x / sigma), x => StandardNormal.Cdf(x / sigma));

    private static string Setting(string backend, double sigma, double sensitivity) =>
        string.Create(CultureInfo.InvariantCulture, $"{backend}, sigma {sigma:0.###}, sensitivity {sensitivity:0.###}");
}
