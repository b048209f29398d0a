using System.Diagnostics;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>The rows of a mechanism audit and how long it took.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="Rows">One row per mechanism and backend (positive controls last).</param>
/// <param name="Seconds">Wall-clock time.</param>
public sealed record MechanismAuditReport(MechanismAuditOptions Options, IReadOnlyList<MechanismAuditRow> Rows, double Seconds)
{
    /// <summary>Every sound row passed and every positive control was caught.</summary>
    public bool Passed => Rows.All(r => r.Passed);
}

/// <summary>
/// Empirical privacy of every noise primitive: each runs on a neighbouring pair exactly at its
/// sensitivity, n outputs are drawn on each side, and the optimal test's error rates give the privacy
/// curve's parameter (GDP μ for Gaussian noise, ε for the exponential mechanism, the escape probability
/// for thresholded discovery) with a Clopper–Pearson interval, checked against the claim and against the
/// exact value for the pair; the noise itself is checked by moments and Kolmogorov–Smirnov.
/// </summary>
public static class MechanismAudit
{
    /// <summary>δ_τ of the discovery audit: large enough that escapes are frequent enough to count in 10⁶ draws.</summary>
    public const double DiscoveryDelta = 1e-3;

    /// <summary>Runs the audit.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="progress">One line per mechanism as it starts; optional.</param>
    public static MechanismAuditReport Run(MechanismAuditOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var random = new AuditRandomness(options.Seed);
        // One claim for every Gaussian: σ calibrated for (ε, δ) at sensitivity 1.
        double sigma = AnalyticGaussianMechanism.CalibrateSigma(options.Epsilon, options.Delta, 1);
        int n = options.Draws;
        var rows = new List<MechanismAuditRow>();
        // Family-wise confidence: each row's interval gets α/k (Bonferroni), so that a sound audit
        // fails any row with probability at most α, not α per row.
        int planned = options.Devices.Count + 7 + (options.PositiveControls ? 2 : 0);
        double alpha = options.Alpha / planned;
        void Step(string what) => progress?.Report(string.Create(CultureInfo.InvariantCulture, $"audit mechanisms: {what} ({clock.Elapsed.TotalSeconds:0.0} s)"));

        ulong salt = 1;
        foreach (string device in options.Devices)
        {
            Step($"gaussian stream on {device}");
            rows.Add(StreamRow(device, device == "ilgpu-cpu" ? Math.Min(n, options.SimulatorDraws) : n, sigma, random.Key(salt++), alpha, PositiveControl.None));
        }
        Step("gaussian count");
        rows.Add(GaussianNoiseAudits.Count(n, sigma, random.Source(salt++), alpha));
        Step("discrete gaussian sampler");
        rows.Add(DiscreteNoiseAudits.Sampler(n, sigma, random.Source(salt++), random.Source(salt++), alpha));
        Step("dp row count");
        rows.Add(DiscreteNoiseAudits.RowCount(n, sigma, random.Source(salt++), alpha));
        Step("dp histogram counts");
        rows.Add(DiscreteNoiseAudits.HistogramCounts(n, sigma, random.Source(salt++), alpha));
        Step("dp histogram discovery");
        rows.Add(DiscreteNoiseAudits.Discovery(n, sigma, DiscoveryDelta, random.Source(salt++), alpha));
        Step("lipschitz vae latent release");
        rows.Add(GaussianNoiseAudits.Latent(n, sigma, 1, random.Key(salt++), alpha));
        Step("quantile exponential mechanism");
        rows.Add(QuantileAudit.Run(n, options.Epsilon, random.Source(salt++), alpha, PositiveControl.None));
        if (options.PositiveControls)
        {
            Step("positive control: gaussian stream with noise / 10");
            rows.Add(StreamRow("simd", n, sigma, random.Key(salt++), alpha, PositiveControl.NoiseDividedByTen));
            Step("positive control: quantile mechanism with epsilon x 10");
            rows.Add(QuantileAudit.Run(n, options.Epsilon, random.Source(salt++), alpha, PositiveControl.NoiseDividedByTen));
        }
        Step("done");
        if (rows.Count != planned) throw new InvalidOperationException($"the audit ran {rows.Count} rows but planned {planned}");
        return new MechanismAuditReport(options, rows, clock.Elapsed.TotalSeconds);
    }

    private static MechanismAuditRow StreamRow(string device, int draws, double sigma, Kernels.Random.NoiseKey key, double alpha, PositiveControl control)
    {
        // Every device but the CPU ones runs on ILGPU, which a NativeAOT build cannot start: skipped, like an absent GPU.
        string? skipped = !BackendFactory.GpuKernelsCompile && device is not ("simd" or "cpu" or "reference")
            ? "a NativeAOT build cannot compile ILGPU kernels at run time"
            : device.StartsWith("cuda", StringComparison.Ordinal) && BackendFactory.CudaDeviceCount() == 0 ? "no CUDA device on this machine"
            : null;
        if (skipped is not null)
            return new MechanismAuditRow
            {
                Mechanism = "gaussian (chacha20 stream)", Setting = device, Quantity = "mu", Claimed = 1 / sigma, Exact = 1 / sigma,
                Skipped = skipped,
            };
        using var backend = BackendFactory.Create(device);
        return GaussianNoiseAudits.Stream(backend, draws, sigma, 1, key, alpha, control);
    }
}
