namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>Settings of <see cref="StimuliStudy"/>.</summary>
public sealed record StimuliStudyOptions
{
    /// <summary>Simulated subjects S.</summary>
    public int Subjects { get; init; } = 20;

    /// <summary>Windows simulated per subject (20 % of each subject's are held out for testing).</summary>
    public int WindowsPerSubject { get; init; } = 300;

    /// <summary>Numbers of stimuli the students are trained on (the plot's x axis); the largest is searched for.</summary>
    public IReadOnlyList<int> StimulusCounts { get; init; } = [100, 250, 500, 1000];

    /// <summary>λ of identity inhibition for the inhibited run.</summary>
    public double InhibitIdentity { get; init; } = 1.0;

    /// <summary>ε of the DP teachers (each a separate fit).</summary>
    public IReadOnlyList<double> Epsilons { get; init; } = [1, 4];

    /// <summary>δ of the DP teachers.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Generators in flight.</summary>
    public int Lanes { get; init; } = 128;

    /// <summary>Seed of the simulation, splits, training and search (reproducible, not secure).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The largest stimulus count.</summary>
    public int MaxCount => StimulusCounts.Max();

    /// <summary>Refuses settings outside their ranges.</summary>
    public void Validate()
    {
        if (Subjects < 2 || Subjects > 1000) throw new ArgumentException($"subjects must be between 2 and 1000, got {Subjects}");
        if (WindowsPerSubject < 10) throw new ArgumentException($"windows per subject must be at least 10, got {WindowsPerSubject}");
        if (StimulusCounts.Count == 0 || StimulusCounts.Any(c => c < 1 || c > 1_000_000)) throw new ArgumentException("stimulus counts must be between 1 and 1000000");
        if (!(InhibitIdentity >= 0) || double.IsInfinity(InhibitIdentity)) throw new ArgumentException("the inhibition weight must be finite and >= 0");
        if (Epsilons.Any(e => !(e > 0) || double.IsInfinity(e))) throw new ArgumentException("every epsilon must be positive and finite");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta}");
        if (Lanes < 1) throw new ArgumentException("lanes must be at least 1");
    }
}
