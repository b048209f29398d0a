namespace DpSynth.Kernels.Simd;

public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter = 0.01f)
    {
        OpPreconditions.ActivationForward(this, f, x, y);
        float* xp = HostStorage.PointerOf(x), yp = HostStorage.PointerOf(y);
        int n = x.Length;
        switch (f)
        {
            case Activation.ReLU: ElementwiseDriver.Map(new ReluOperator(), xp, yp, n); break;
            case Activation.LeakyReLU: ElementwiseDriver.Map(new LeakyReluOperator(parameter), xp, yp, n); break;
            case Activation.SiLU: ElementwiseDriver.Map(new SiluOperator(), xp, yp, n); break;
            case Activation.Gelu: ElementwiseDriver.Map(new GeluOperator(), xp, yp, n); break;
            case Activation.Tanh: ElementwiseDriver.Map(new TanhOperator(), xp, yp, n); break;
            case Activation.Sigmoid: ElementwiseDriver.Map(new SigmoidOperator(), xp, yp, n); break;
            default: if (xp != yp) Buffer.MemoryCopy(xp, yp, (long)n * sizeof(float), (long)n * sizeof(float)); break;
        }
    }

    /// <inheritdoc />
    public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter = 0.01f)
    {
        OpPreconditions.ActivationBackward(this, f, x, y, dy, dx);
        float* xp = HostStorage.PointerOf(x), yp = HostStorage.PointerOf(y), dyp = HostStorage.PointerOf(dy), dxp = HostStorage.PointerOf(dx);
        int n = x.Length;
        switch (f)
        {
            case Activation.ReLU: ElementwiseDriver.Map(new ReluGradient(), xp, yp, dyp, dxp, n); break;
            case Activation.LeakyReLU: ElementwiseDriver.Map(new LeakyReluGradient(parameter), xp, yp, dyp, dxp, n); break;
            case Activation.SiLU: ElementwiseDriver.Map(new SiluGradient(), xp, yp, dyp, dxp, n); break;
            case Activation.Gelu: ElementwiseDriver.Map(new GeluGradient(), xp, yp, dyp, dxp, n); break;
            case Activation.Tanh: ElementwiseDriver.Map(new TanhGradient(), xp, yp, dyp, dxp, n); break;
            case Activation.Sigmoid: ElementwiseDriver.Map(new SigmoidGradient(), xp, yp, dyp, dxp, n); break;
            default: if (dyp != dxp) Buffer.MemoryCopy(dyp, dxp, (long)n * sizeof(float), (long)n * sizeof(float)); break;
        }
    }
}
