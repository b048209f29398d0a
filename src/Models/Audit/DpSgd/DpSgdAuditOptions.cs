using System.Globalization;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Audit.DpSgd;

/// <summary>Which DP-SGD implementation an audit trains with.</summary>
public enum AuditedTrainer
{
    /// <summary><see cref="Training.DpSgdTrainer"/>: networks on a compute backend (TableDiffusion's), ghost clipping, SGD here.</summary>
    Network,

    /// <summary><see cref="Training.PerExampleDpSgdTrainer"/>: host per-example gradients in double precision with Adam (DPVI's).</summary>
    PerExample,
}

/// <summary>Settings of a one-run DP-SGD audit.</summary>
public sealed record DpSgdAuditOptions
{
    /// <summary>The claimed ε of the training run; σ comes from the ledger's calibration for it.</summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>δ of the claim.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>m, the Dirac canaries, each included with probability ½.</summary>
    public int Canaries { get; init; } = 1000;

    /// <summary>Records that are not canaries (always in the training set).</summary>
    public int BackgroundRecords { get; init; } = 1000;

    /// <summary>Poisson sampling rate q.</summary>
    public double SampleRate { get; init; } = 0.5;

    /// <summary>DP-SGD steps (σ is calibrated for exactly these).</summary>
    public long Steps { get; init; } = 100;

    /// <summary>Per-example clip norm C.</summary>
    public float ClipNorm { get; init; } = 1;

    /// <summary>
    /// Guesses per side k to try: the top k canaries by score are guessed in and the bottom k out. Each
    /// k is tested at β divided by the number of values (Bonferroni), and the largest ε̂ is reported.
    /// Empty: m/20, m/10 and m/5.
    /// </summary>
    public IReadOnlyList<int> GuessesPerSide { get; init; } = [];

    /// <summary>Significance level β of the reported ε̂ (1 − confidence).</summary>
    public double Beta { get; init; } = 0.05;

    /// <summary>A fault injected on purpose (positive control), or none.</summary>
    public PositiveControl Control { get; init; }

    /// <summary>The accountant the claim is made with (the ledger's and the calibration's); PLD as in every fit.</summary>
    public AccountantKind Accountant { get; init; } = AccountantKind.Pld;

    /// <summary>The trainer under audit.</summary>
    public AuditedTrainer Trainer { get; init; } = AuditedTrainer.Network;

    /// <summary>Compute device (a <see cref="Kernels.BackendFactory"/> name) of the network trainer.</summary>
    public string Device { get; init; } = "simd";

    /// <summary>Seed for a reproducible audit; null draws every key from the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The k values actually tried.</summary>
    public IReadOnlyList<int> Guesses => GuessesPerSide.Count > 0 ? GuessesPerSide
        : new[] { Canaries / 20, Canaries / 10, Canaries / 5 }.Where(k => k >= 1).Distinct().ToArray();

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {F(Epsilon)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {F(Delta)}");
        if (Canaries < 10 || Canaries > 1_000_000) throw new ArgumentException($"canaries must be between 10 and 1000000, got {Canaries}");
        if (BackgroundRecords < 0) throw new ArgumentException($"background records must be non-negative, got {BackgroundRecords}");
        if (!(SampleRate > 0 && SampleRate <= 1)) throw new ArgumentException($"the sample rate must be in (0, 1], got {F(SampleRate)}");
        if (Steps < 1 || Steps > 1_000_000) throw new ArgumentException($"steps must be between 1 and 1000000, got {Steps}");
        if (!(ClipNorm > 0) || float.IsInfinity(ClipNorm)) throw new ArgumentException($"the clip norm must be positive and finite, got {ClipNorm}");
        if (!(Beta > 0 && Beta < 1)) throw new ArgumentException($"beta must be in (0, 1), got {F(Beta)}");
        if (Guesses.Count == 0 || Guesses.Any(k => k < 1 || 2 * k > Canaries))
            throw new ArgumentException($"guesses per side must be between 1 and {Canaries / 2}");
        if (Control == PositiveControl.CategoriesWithoutDp) throw new ArgumentException("the categories-without-dp control applies to generators, not to DP-SGD");
    }
}
