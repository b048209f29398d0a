namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter = 0.01f)
    {
        OpPreconditions.ActivationForward(this, f, x, y);
        Span<float> xs = Data(x), ys = Data(y);
        for (int i = 0; i < xs.Length; i++) ys[i] = (float)ActivationMath.Forward(f, (double)xs[i], parameter);
    }

    /// <inheritdoc />
    public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter = 0.01f)
    {
        OpPreconditions.ActivationBackward(this, f, x, y, dy, dx);
        Span<float> xs = Data(x), ys = Data(y), dys = Data(dy), dxs = Data(dx);
        for (int i = 0; i < xs.Length; i++)
            dxs[i] = (float)(ActivationMath.Derivative(f, (double)xs[i], ys[i], parameter) * dys[i]);
    }
}
