namespace DpSynth.Models.Audit.Mechanisms;

/// <summary>Settings of <see cref="MechanismAudit"/>.</summary>
public sealed record MechanismAuditOptions
{
    /// <summary>Outputs drawn on each input of each neighbouring pair.</summary>
    public int Draws { get; init; } = 1_000_000;

    /// <summary>Outputs per input on ILGPU's CPU simulator, which is hundreds of times slower than the other backends.</summary>
    public int SimulatorDraws { get; init; } = 20_000;

    /// <summary>Backends whose ChaCha20 Gaussian noise is audited; CUDA is skipped, with the reason, where there is no device.</summary>
    public IReadOnlyList<string> Devices { get; init; } = ["simd", "reference", "ilgpu-cpu", "cuda"];

    /// <summary>The privacy claim the mechanisms are calibrated to: ε (per release) …</summary>
    public double Epsilon { get; init; } = 1;

    /// <summary>… and δ (Gaussian calibrations).</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Family-wise error probability of the intervals (1 − confidence): each of the k rows gets α/k.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Whether positive controls (noise ÷ 10 on the SIMD Gaussian and on the quantile mechanism) run too.</summary>
    public bool PositiveControls { get; init; } = true;

    /// <summary>Seed for a reproducible audit; null draws every key from the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Draws < 1000) throw new ArgumentException($"draws must be at least 1000, got {Draws}");
        if (SimulatorDraws < 1000) throw new ArgumentException($"simulator draws must be at least 1000, got {SimulatorDraws}");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta}");
        if (!(Alpha > 0 && Alpha < 1)) throw new ArgumentException($"alpha must be in (0, 1), got {Alpha}");
    }
}
