namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Accepted stimuli with the teacher's full softmax as soft labels. Values are in the classifiers'
/// scaled input space (<see cref="WindowScaling"/>), one row per stimulus.
/// </summary>
/// <param name="Values">Row-major scaled stimulus values (count × width).</param>
/// <param name="Width">Sample points per stimulus.</param>
/// <param name="SoftLabels">Row-major teacher probabilities (count × classes).</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="TargetClasses">The class each stimulus was searched for.</param>
/// <param name="Thresholds">The acceptance threshold T each stimulus passed.</param>
public sealed record StimulusSet(float[] Values, int Width, float[] SoftLabels, int Classes, int[] TargetClasses, float[] Thresholds)
{
    /// <summary>Number of stimuli.</summary>
    public int Count => TargetClasses.Length;

    /// <summary>The first <paramref name="count"/> stimuli (in acceptance order).</summary>
    public StimulusSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new StimulusSet(Values[..(count * Width)], Width, SoftLabels[..(count * Classes)], Classes, TargetClasses[..count], Thresholds[..count]);
    }
}

/// <summary>How a stimulus search went.</summary>
/// <param name="Accepted">Stimuli accepted.</param>
/// <param name="Rounds">Batched rounds run (each: one forward of every lane, one teacher pass).</param>
/// <param name="GeneratorSteps">Adam steps taken over all lanes.</param>
/// <param name="Reinitialisations">Generators re-initialised after running out of steps.</param>
/// <param name="Seconds">Wall-clock time of the search.</param>
/// <param name="Completed">False when the search gave up before the requested count (too many failures, or cancelled).</param>
public sealed record StimulusSearchSummary(int Accepted, long Rounds, long GeneratorSteps, long Reinitialisations, double Seconds, bool Completed);
