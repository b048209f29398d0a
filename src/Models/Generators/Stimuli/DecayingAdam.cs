using DpSynth.Kernels;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Adam whose learning rate falls linearly from its initial value to <paramref name="finalFraction"/>
/// of it over <paramref name="totalSteps"/> steps. The students use it: at a constant rate the last
/// steps' noise decided a good part of a student's accuracy on real windows.
/// </summary>
/// <param name="learningRate">Initial learning rate.</param>
/// <param name="totalSteps">Steps over which the rate decays (later steps keep the final rate).</param>
/// <param name="finalFraction">Final rate as a fraction of the initial one.</param>
public sealed class DecayingAdam(float learningRate, long totalSteps, float finalFraction = 0.05f) : Optimizer
{
    /// <inheritdoc />
    public override string Name => "adam";

    /// <inheritdoc />
    protected override int StateVectors => 2;

    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public float RateAt(long step)
    {
        double progress = totalSteps <= 1 ? 1 : Math.Min(1, step / (double)(totalSteps - 1));
        return (float)(learningRate * (1 - (1 - finalFraction) * progress));
    }

    /// <inheritdoc />
    protected override void Update(Tensor values, Tensor gradient, Tensor[] state)
        => values.Backend.AdamStep(values, gradient, state[0], state[1], new AdamParameters(LearningRate: RateAt(Steps)), checked((int)(Steps + 1)));
}
