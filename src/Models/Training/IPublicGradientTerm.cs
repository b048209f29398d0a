namespace DpSynth.Models.Training;

/// <summary>
/// A gradient term added to every step of a DP-SGD run that reads no private record — e.g. a GAN
/// critic's loss on generated rows. It is a function of the network's current weights (earlier
/// noisy releases) and of public randomness only, so it is post-processing: it is added to the
/// step's clipped private sum without noise and the ledger charges nothing for it.
/// </summary>
/// <remarks>
/// Privacy rests on the term never touching a private row; an implementation must build its rows
/// from the model and public randomness alone. It runs after the step's private examples have been
/// accumulated, so it may overwrite <see cref="TrainingStep.Inputs"/> and <see cref="TrainingStep.Targets"/>.
/// </remarks>
public interface IPublicGradientTerm
{
    /// <summary>
    /// Adds the term's gradient to the step's worker gradient buffers, e.g. through
    /// <see cref="TrainingStep.Accumulate(int, Nn.GradientMode, float, long)"/>. The trainer then
    /// divides the whole sum by the expected batch size q·N, so a term that wants to contribute its
    /// mean gradient ḡ adds q·N·ḡ.
    /// </summary>
    /// <param name="step">The step whose private examples have just been accumulated.</param>
    /// <param name="stepIndex">Index of the DP-SGD step (0-based), for addressing public randomness.</param>
    /// <param name="plan">The run's plan: q, N, the clip norm and the gradient mode.</param>
    void Accumulate(TrainingStep step, long stepIndex, DpSgdPlan plan);
}
