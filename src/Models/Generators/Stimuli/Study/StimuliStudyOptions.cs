namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>Settings of <see cref="StimuliStudy"/>.</summary>
public sealed record StimuliStudyOptions
{
    /// <summary>Simulated member subjects S_in: the data holder's (teacher, ID classifier and stimuli come from their windows only).</summary>
    public int Subjects { get; init; } = 20;

    /// <summary>
    /// Simulated non-member subjects S_out: never seen by the data holder, only by the re-identification
    /// attacker. 3 × S_in makes the member share (chance) 25 % and the linkage ratio's maximum 4×, so the
    /// 1.5× target sits well inside the scale.
    /// </summary>
    public int NonMembers { get; init; } = 60;

    /// <summary>Random member splits the linkage is averaged over (split 0 is the main study's data holder).</summary>
    public int LinkageSplits { get; init; } = 20;

    /// <summary>
    /// λ of the positive control's identity *excitation* (stimuli pushed toward the data holder's ID
    /// classifier naming a member, <see cref="StimulusSearchOptions.ExciteIdentity"/>): stimuli made to
    /// carry identity, which the measure must see. 0: no such run.
    /// </summary>
    public double ExciteIdentity { get; init; } = 1.0;

    /// <summary>Stimuli per split (with and without inhibition) and noise rows the linkage reads.</summary>
    public int LinkageStimuli { get; init; } = 2000;

    /// <summary>Windows simulated per subject (20 % of each subject's are held out for testing).</summary>
    public int WindowsPerSubject { get; init; } = 300;

    /// <summary>Numbers of stimuli the students are trained on (the plot's x axis); the largest is searched for.</summary>
    public IReadOnlyList<int> StimulusCounts { get; init; } = [1000, 8000, 32000, 128000];

    /// <summary>λ of identity inhibition for the inhibited run.</summary>
    public double InhibitIdentity { get; init; } = 1.0;

    /// <summary>
    /// With inhibition, a stimulus is accepted only when the data holder's ID classifier gives no subject
    /// more than this multiple of chance (<see cref="StimulusSearchOptions.IdentityAcceptance"/>); +∞: no bound.
    /// </summary>
    public double IdentityBound { get; init; } = double.PositiveInfinity;

    /// <summary>ε of the DP teachers (each a separate fit).</summary>
    public IReadOnlyList<double> Epsilons { get; init; } = [1, 4];

    /// <summary>δ of the DP teachers.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Generators in flight.</summary>
    public int Lanes { get; init; } = 128;

    /// <summary>Seed of the simulation, splits, training and search (reproducible, not secure).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Whether the data holder's ID classifier is needed (for inhibition or the excitation control).</summary>
    public bool NeedsIdentity => InhibitIdentity > 0 || ExciteIdentity > 0;

    /// <summary>The largest stimulus count.</summary>
    public int MaxCount => StimulusCounts.Max();

    /// <summary>Refuses settings outside their ranges.</summary>
    public void Validate()
    {
        if (Subjects < 2 || Subjects > 1000) throw new ArgumentException($"subjects must be between 2 and 1000, got {Subjects}");
        if (NonMembers < 1 || NonMembers > 10_000) throw new ArgumentException($"non-member subjects must be between 1 and 10000, got {NonMembers}");
        if (LinkageSplits < 1 || LinkageSplits > 100) throw new ArgumentException($"linkage splits must be between 1 and 100, got {LinkageSplits}");
        if (LinkageStimuli < 1 || LinkageStimuli > 1_000_000) throw new ArgumentException($"linkage stimuli must be between 1 and 1000000, got {LinkageStimuli}");
        if (WindowsPerSubject < 10) throw new ArgumentException($"windows per subject must be at least 10, got {WindowsPerSubject}");
        if (StimulusCounts.Count == 0 || StimulusCounts.Any(c => c < 1 || c > 1_000_000)) throw new ArgumentException("stimulus counts must be between 1 and 1000000");
        if (!(InhibitIdentity >= 0) || double.IsInfinity(InhibitIdentity)) throw new ArgumentException("the inhibition weight must be finite and >= 0");
        if (!(ExciteIdentity >= 0) || double.IsInfinity(ExciteIdentity)) throw new ArgumentException("the excitation weight must be finite and >= 0");
        if (!(IdentityBound >= 1)) throw new ArgumentException($"the identity bound must be at least 1 (chance), got {IdentityBound}");
        if (Epsilons.Any(e => !(e > 0) || double.IsInfinity(e))) throw new ArgumentException("every epsilon must be positive and finite");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta}");
        if (Lanes < 1) throw new ArgumentException("lanes must be at least 1");
    }
}
