namespace DpSynth.Kernels;

internal static partial class OpPreconditions
{
    public static void SgdStep(IComputeBackend b, Tensor parameters, Tensor gradient, Tensor velocity)
    {
        ShapeCheck.Owned(b, nameof(SgdStep), parameters, gradient, velocity);
        ShapeCheck.SameLength(parameters, gradient, nameof(SgdStep));
        ShapeCheck.SameLength(parameters, velocity, nameof(SgdStep));
    }

    public static void AdamStep(IComputeBackend b, Tensor parameters, Tensor gradient, Tensor m, Tensor v, int step)
    {
        ShapeCheck.Owned(b, nameof(AdamStep), parameters, gradient, m, v);
        ShapeCheck.SameLength(parameters, gradient, nameof(AdamStep));
        ShapeCheck.SameLength(parameters, m, nameof(AdamStep));
        ShapeCheck.SameLength(parameters, v, nameof(AdamStep));
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), $"{nameof(AdamStep)}: step is {step}; steps are counted from 1.");
    }
}
