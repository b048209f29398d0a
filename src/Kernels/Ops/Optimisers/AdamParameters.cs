namespace DpSynth.Kernels;

/// <summary>Hyper-parameters of an Adam / AdamW step.</summary>
/// <param name="LearningRate">Step size.</param>
/// <param name="Beta1">First-moment decay.</param>
/// <param name="Beta2">Second-moment decay.</param>
/// <param name="Epsilon">Added to √v̂ in the denominator.</param>
/// <param name="WeightDecay">L2 coefficient: added to the gradient (Adam) or applied to the weights (AdamW).</param>
/// <param name="Decoupled">True for AdamW (decoupled weight decay, Loshchilov &amp; Hutter).</param>
public readonly record struct AdamParameters(
    float LearningRate = 1e-3f,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-8f,
    float WeightDecay = 0f,
    bool Decoupled = false);
