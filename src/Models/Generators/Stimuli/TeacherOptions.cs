namespace DpSynth.Models.Generators.Stimuli;

/// <summary>Settings of <see cref="TeacherFitter"/>: the teacher and the participant-ID classifier are trained alike.</summary>
public sealed record TeacherOptions
{
    /// <summary>Total ε of the fit (row count + teacher + ID classifier); null trains without DP and without any guarantee.</summary>
    public double? Epsilon { get; init; }

    /// <summary>δ of a DP fit (chosen by the user, never from the row count).</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Passes over the windows (non-private default 30; DP default 20).</summary>
    public double? Epochs { get; init; }

    /// <summary>Expected minibatch size (non-private default 64; DP default 256, as DP-SGD prefers larger batches).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Adam learning rate (non-private default 1e-3; DP default 5e-3: noisy, clipped steps need larger ones).</summary>
    public float? LearningRate { get; init; }

    /// <summary>Per-example clip norm of DP-SGD.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Whether the participant-ID classifier is trained too (needed for identity inhibition).</summary>
    public bool TrainIdentity { get; init; } = true;

    /// <summary>Seed of weights, sampling and noise — reproducible, not secure (recorded as such); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Whether the fit is differentially private.</summary>
    public bool Private => Epsilon is not null;

    /// <summary>Refuses settings outside their ranges.</summary>
    public void Validate()
    {
        if (Epsilon is double e && !(e > 0 && double.IsFinite(e))) throw new ArgumentException($"epsilon must be positive and finite, got {e}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta}");
        if (Epochs is double ep && !(ep > 0 && ep <= 10_000)) throw new ArgumentException($"epochs must be in (0, 10000], got {ep}");
        if (BatchSize is int b && b < 1) throw new ArgumentException($"the batch size must be at least 1, got {b}");
        if (LearningRate is float lr && !(lr > 0 && float.IsFinite(lr))) throw new ArgumentException($"the learning rate must be positive, got {lr}");
        if (!(ClipNorm > 0)) throw new ArgumentException($"the clip norm must be positive, got {ClipNorm}");
    }
}
