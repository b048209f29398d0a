using System.Runtime.Intrinsics;

namespace DpSynth.Kernels.Simd;

// Optimiser steps: one fused pass per parameter tensor (reading p, g and the moments once), since
// these ops are purely memory-bound.
public sealed unsafe partial class SimdBackend
{
    /// <inheritdoc />
    public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum = 0f, float weightDecay = 0f)
    {
        OpPreconditions.SgdStep(this, parameters, gradient, velocity);
        float* p = HostStorage.PointerOf(parameters), g = HostStorage.PointerOf(gradient), v = HostStorage.PointerOf(velocity);
        int n = parameters.Length, i = 0;
        // μ = 0 never reads v, so whatever it held (even NaN) is simply replaced by g'.
        bool readVelocity = momentum != 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> mu = Vector512.Create(momentum), wd = Vector512.Create(weightDecay), lr = Vector512.Create(learningRate);
            for (; i <= n - 16; i += 16)
            {
                var pv = Vector512.Load(p + i);
                var step = Vector512.FusedMultiplyAdd(wd, pv, Vector512.Load(g + i));
                if (readVelocity) step = Vector512.FusedMultiplyAdd(mu, Vector512.Load(v + i), step);
                Vector512.Store(step, v + i);
                Vector512.Store(pv - lr * step, p + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> mu = Vector256.Create(momentum), wd = Vector256.Create(weightDecay), lr = Vector256.Create(learningRate);
            for (; i <= n - 8; i += 8)
            {
                var pv = Vector256.Load(p + i);
                var step = Vector256.FusedMultiplyAdd(wd, pv, Vector256.Load(g + i));
                if (readVelocity) step = Vector256.FusedMultiplyAdd(mu, Vector256.Load(v + i), step);
                Vector256.Store(step, v + i);
                Vector256.Store(pv - lr * step, p + i);
            }
        }
        for (; i < n; i++)
        {
            float step = g[i] + weightDecay * p[i];
            if (readVelocity) step += momentum * v[i];
            v[i] = step;
            p[i] -= learningRate * step;
        }
    }

    /// <inheritdoc />
    public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step)
    {
        OpPreconditions.AdamStep(this, parameters, gradient, m, v, step);
        float* p = HostStorage.PointerOf(parameters), g = HostStorage.PointerOf(gradient);
        float* mp = HostStorage.PointerOf(m), vp = HostStorage.PointerOf(v);
        int n = parameters.Length, i = 0;
        // Bias corrections in double: β2^t for β2 = 0.999 needs the precision over long runs.
        float stepSize = (float)(hyper.LearningRate / (1 - Math.Pow(hyper.Beta1, step)));
        float secondCorrection = (float)(1 / (1 - Math.Pow(hyper.Beta2, step)));
        // Adam folds the decay into the gradient; AdamW applies it to the weights directly.
        float gradientDecay = hyper.Decoupled ? 0f : hyper.WeightDecay;
        float weightDecayStep = hyper.Decoupled ? hyper.LearningRate * hyper.WeightDecay : 0f;
        float b1 = hyper.Beta1, b2 = hyper.Beta2, eps = hyper.Epsilon;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> gd = Vector512.Create(gradientDecay), wds = Vector512.Create(weightDecayStep), ss = Vector512.Create(stepSize);
            Vector512<float> c2 = Vector512.Create(secondCorrection), b1v = Vector512.Create(b1), b2v = Vector512.Create(b2);
            Vector512<float> a1 = Vector512.Create(1f - b1), a2 = Vector512.Create(1f - b2), ev = Vector512.Create(eps);
            for (; i <= n - 16; i += 16)
            {
                var pv = Vector512.Load(p + i);
                var gv = Vector512.FusedMultiplyAdd(gd, pv, Vector512.Load(g + i));
                var mv = Vector512.FusedMultiplyAdd(b1v, Vector512.Load(mp + i), a1 * gv);
                var vv = Vector512.FusedMultiplyAdd(b2v, Vector512.Load(vp + i), a2 * gv * gv);
                Vector512.Store(mv, mp + i);
                Vector512.Store(vv, vp + i);
                var update = ss * mv / (Vector512.Sqrt(vv * c2) + ev);
                Vector512.Store(pv - update - wds * pv, p + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> gd = Vector256.Create(gradientDecay), wds = Vector256.Create(weightDecayStep), ss = Vector256.Create(stepSize);
            Vector256<float> c2 = Vector256.Create(secondCorrection), b1v = Vector256.Create(b1), b2v = Vector256.Create(b2);
            Vector256<float> a1 = Vector256.Create(1f - b1), a2 = Vector256.Create(1f - b2), ev = Vector256.Create(eps);
            for (; i <= n - 8; i += 8)
            {
                var pv = Vector256.Load(p + i);
                var gv = Vector256.FusedMultiplyAdd(gd, pv, Vector256.Load(g + i));
                var mv = Vector256.FusedMultiplyAdd(b1v, Vector256.Load(mp + i), a1 * gv);
                var vv = Vector256.FusedMultiplyAdd(b2v, Vector256.Load(vp + i), a2 * gv * gv);
                Vector256.Store(mv, mp + i);
                Vector256.Store(vv, vp + i);
                var update = ss * mv / (Vector256.Sqrt(vv * c2) + ev);
                Vector256.Store(pv - update - wds * pv, p + i);
            }
        }
        for (; i < n; i++)
        {
            float gv = g[i] + gradientDecay * p[i];
            float mv = b1 * mp[i] + (1f - b1) * gv;
            float vv = b2 * vp[i] + (1f - b2) * gv * gv;
            mp[i] = mv;
            vp[i] = vv;
            p[i] = p[i] - stepSize * mv / (MathF.Sqrt(vv * secondCorrection) + eps) - weightDecayStep * p[i];
        }
    }
}
