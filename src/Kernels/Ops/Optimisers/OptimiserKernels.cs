using ILGPU;

namespace DpSynth.Kernels.Gpu.Kernels;

/// <summary>Optimiser steps: one grid-stride pass reading and writing every state tensor once.</summary>
internal static class OptimiserKernels
{
    /// <summary>g' = g + wd·p; v = μ·v + g' (v = g' when μ = 0, ignoring stale v); p −= lr·v.</summary>
    public static void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> v, int n, float learningRate, float momentum, float weightDecay)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
        {
            float decayed = g[i] + weightDecay * p[i];
            float velocity = momentum == 0f ? decayed : momentum * v[i] + decayed;
            v[i] = velocity;
            p[i] -= learningRate * velocity;
        }
    }

    /// <summary>Adam / AdamW with bias corrections precomputed on the host (in double).</summary>
    public static void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, int n, AdamStepArgs a)
    {
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < n; i += Grid.DimX * Group.DimX)
        {
            float param = p[i];
            float grad = a.Decoupled != 0 ? g[i] : g[i] + a.WeightDecay * param;
            float mNew = a.Beta1 * m[i] + (1f - a.Beta1) * grad;
            float vNew = a.Beta2 * v[i] + (1f - a.Beta2) * grad * grad;
            float update = a.LearningRate * (mNew / a.Correction1) / (MathF.Sqrt(vNew / a.Correction2) + a.Epsilon);
            if (a.Decoupled != 0) update += a.LearningRate * a.WeightDecay * param;
            m[i] = mNew;
            v[i] = vNew;
            p[i] = param - update;
        }
    }
}

/// <summary>Arguments of <see cref="OptimiserKernels.Adam"/>.</summary>
internal struct AdamStepArgs
{
    public float LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Correction1, Correction2;
    public int Decoupled;
}
