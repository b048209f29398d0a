using DpSynth.Kernels.Random;

namespace DpSynth.Models.Training;

/// <summary>
/// An objective of the form (1/N)·[Σᵢ ℓᵢ(w) + R(w)] over N private records and a flat parameter
/// vector w, trained on the host by <see cref="PerExampleDpSgdTrainer"/>: the trainer asks for each
/// sampled record's gradient ∇ℓᵢ, clips it, sums, adds noise, and adds ∇R/N — the part that does
/// not read private data (priors, entropies) — without clipping or noise.
/// </summary>
/// <remarks>
/// Privacy rests on two promises of the implementer: <see cref="ExampleGradient"/> reads record
/// <c>i</c> and no other private value, and <see cref="AddDataIndependentGradient"/> and
/// <see cref="BeginStep"/> read no private value at all. Clipping, noise and sampling are the trainer's.
/// </remarks>
public interface IPerExampleObjective
{
    /// <summary>Length P of the parameter vector w.</summary>
    int ParameterCount { get; }

    /// <summary>Number of private records N.</summary>
    int Records { get; }

    /// <summary>
    /// Called once at the start of step <paramref name="step"/>, before any example, with the
    /// current parameters (e.g. to draw the step's reparameterisation noise and cache tables).
    /// </summary>
    /// <param name="parameters">The current parameters.</param>
    /// <param name="step">The step (0-based).</param>
    /// <param name="key">
    /// A key for the objective's own data-independent randomness: a stream of the run's key reserved
    /// for objectives (seeded exactly when the run is), never the noise or sampling stream.
    /// </param>
    void BeginStep(ReadOnlySpan<double> parameters, long step, NoiseKey key);

    /// <summary>Writes ∇ℓᵢ(w) of record <paramref name="record"/> into <paramref name="gradient"/> (overwriting it) and returns ℓᵢ(w).</summary>
    double ExampleGradient(int record, Span<double> gradient);

    /// <summary>Adds ∇R(w)/N — the data-independent part of the objective — to <paramref name="gradient"/>.</summary>
    void AddDataIndependentGradient(ReadOnlySpan<double> parameters, Span<double> gradient);
}
