namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Settings of <see cref="StimulusSearch"/> (defaults: the authors' proof of concept where it states them).</summary>
public sealed record StimulusSearchOptions
{
    /// <summary>Stimuli to accept.</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Independent generators in flight at once.</summary>
    public int Lanes { get; init; } = 128;

    /// <summary>Width of each generator's fixed latent z ~ N(0, I).</summary>
    public int Latent { get; init; } = 16;

    /// <summary>Hidden width of each generator.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>
    /// Centre of each generator output column in the teacher's scaled input space (null: 0). With
    /// <see cref="OutputSpread"/> it is the map from the generators' tanh outputs to the teacher's inputs.
    /// </summary>
    public float[]? OutputCentre { get; init; }

    /// <summary>Half-width of each output column around <see cref="OutputCentre"/> (null: the scaling's limit); clipped so outputs stay within the limit.</summary>
    public float[]? OutputSpread { get; init; }

    /// <summary>Factor on the generators' initial output-layer weights (1: PyTorch's default).</summary>
    public double OutputInitScale { get; init; } = 1;

    /// <summary>
    /// Whether a lane keeps fine-tuning its generator after a success (the paper's rule; default) or
    /// re-initialises it, which makes successive stimuli of a lane independent (a diagnostic of diversity).
    /// </summary>
    public bool KeepGeneratorAfterSuccess { get; init; } = true;

    /// <summary>Adam steps allowed per stimulus before the generator is re-initialised (paper: 50).</summary>
    public int MaxSteps { get; init; } = 50;

    /// <summary>Adam learning rate on the generators' weights (paper: 1e-3).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Lower end of the acceptance threshold T ~ U[low, high] (paper: 0.75).</summary>
    public double ThresholdLow { get; init; } = 0.75;

    /// <summary>Upper end of T (paper: 0.9999).</summary>
    public double ThresholdHigh { get; init; } = 0.9999;

    /// <summary>λ of the identity-inhibition term λ·KL(h_ID(G(z)) ‖ uniform); 0 turns it off.</summary>
    public double InhibitIdentity { get; init; }

    /// <summary>
    /// With identity inhibition, a stimulus is accepted only when the ID classifier's largest posterior
    /// is at most this multiple of chance (1/S) as well (DpSynth's rule: the paper's acceptance test
    /// looks at the class only, so a stimulus accepted before any step would escape the term).
    /// Off (+∞) by default: on the apnea study 50 steps at lr 1e-3 never brought the ID classifier near
    /// 1.5 × chance, even at λ = 100, so every search with the bound gave up.
    /// </summary>
    public double IdentityAcceptance { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Diagnostic, never for a release: flips the identity term to −λ·KL(h_ID(G(z)) ‖ uniform), pushing
    /// stimuli toward the ID classifier naming one subject confidently, and accepts a stimulus only when
    /// the ID classifier's largest posterior is at least <see cref="IdentityAcceptance"/> × chance.
    /// Stimuli made to carry identity: the re-identification study's positive control.
    /// </summary>
    public bool ExciteIdentity { get; init; }

    /// <summary>Seed of z, classes, thresholds and generator weights; null draws them from the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Workers the lanes are split over on CPU backends.</summary>
    public int Workers { get; init; } = Kernels.RowPartition.DefaultWorkers;

    /// <summary>Give up (returning what was accepted) after this many failed attempts per requested stimulus.</summary>
    public int MaxFailuresPerStimulus { get; init; } = 10;

    /// <summary>Refuses settings outside their ranges, naming the setting.</summary>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentException($"the stimulus count must be at least 1, got {Count}");
        if (Lanes < 1 || Lanes > 65_536) throw new ArgumentException($"lanes must be between 1 and 65536, got {Lanes}");
        if (Latent < 1 || Hidden < 1) throw new ArgumentException("the generator's latent and hidden widths must be at least 1");
        if (MaxSteps < 1) throw new ArgumentException($"the step limit must be at least 1, got {MaxSteps}");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException("the learning rate must be positive and finite");
        if (!(ThresholdLow >= 0 && ThresholdLow <= ThresholdHigh && ThresholdHigh < 1)) throw new ArgumentException("the thresholds must satisfy 0 <= low <= high < 1");
        if (!(IdentityAcceptance >= 1) || double.IsNaN(IdentityAcceptance)) throw new ArgumentException($"the identity acceptance bound must be at least 1 (chance), got {IdentityAcceptance}");
        if (ExciteIdentity && !(InhibitIdentity > 0 && double.IsFinite(IdentityAcceptance)))
            throw new ArgumentException("identity excitation needs a positive weight and a finite acceptance level");
        if (!(InhibitIdentity >= 0) || double.IsInfinity(InhibitIdentity)) throw new ArgumentException($"the identity-inhibition weight must be a finite number >= 0, got {InhibitIdentity}");
    }
}

/// <summary>Progress of a stimulus search.</summary>
/// <param name="Accepted">Stimuli accepted so far.</param>
/// <param name="Requested">Stimuli requested.</param>
/// <param name="Reinitialisations">Generators re-initialised after a failure so far.</param>
public readonly record struct StimulusProgress(int Accepted, int Requested, long Reinitialisations);
