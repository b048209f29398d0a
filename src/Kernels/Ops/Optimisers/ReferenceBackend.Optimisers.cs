namespace DpSynth.Kernels.Reference;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum = 0f, float weightDecay = 0f)
    {
        OpPreconditions.SgdStep(this, parameters, gradient, velocity);
        Span<float> p = Data(parameters), g = Data(gradient), v = Data(velocity);
        for (int i = 0; i < p.Length; i++)
        {
            double decayed = g[i] + (double)weightDecay * p[i];
            // μ = 0 leaves v = g' even if v held garbage (0·NaN would otherwise stay NaN).
            double velocityNew = momentum == 0f ? decayed : (double)momentum * v[i] + decayed;
            v[i] = (float)velocityNew;
            p[i] = (float)(p[i] - (double)learningRate * velocityNew);
        }
    }

    /// <inheritdoc />
    public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step)
    {
        OpPreconditions.AdamStep(this, parameters, gradient, m, v, step);
        Span<float> p = Data(parameters), g = Data(gradient), ms = Data(m), vs = Data(v);
        double beta1 = hyper.Beta1, beta2 = hyper.Beta2, lr = hyper.LearningRate, wd = hyper.WeightDecay;
        double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < p.Length; i++)
        {
            double grad = hyper.Decoupled ? g[i] : g[i] + wd * p[i];
            double mNew = beta1 * ms[i] + (1 - beta1) * grad;
            double vNew = beta2 * vs[i] + (1 - beta2) * grad * grad;
            double update = lr * (mNew / correction1) / (Math.Sqrt(vNew / correction2) + hyper.Epsilon);
            if (hyper.Decoupled) update += lr * wd * p[i];
            ms[i] = (float)mNew;
            vs[i] = (float)vNew;
            p[i] = (float)(p[i] - update);
        }
    }
}
