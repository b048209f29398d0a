namespace DpSynth.Kernels;

/// <summary>Element-wise activation functions known to every backend.</summary>
public enum Activation
{
    /// <summary>Identity.</summary>
    None,
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>x for x &gt; 0, otherwise slope·x (slope passed as the activation parameter).</summary>
    LeakyReLU,
    /// <summary>x·sigmoid(x).</summary>
    SiLU,
    /// <summary>GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    Gelu,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,
}

/// <summary>
/// What a GEMM does to its result before storing it: C = act(α·op(A)·op(B) + β·C + bias).
/// Fusing this saves a full pass over C, which for the narrow layers of tabular nets is
/// a large share of the layer's memory traffic.
/// </summary>
/// <param name="Bias">Optional 1×N bias added to every row.</param>
/// <param name="Activation">Activation applied last.</param>
/// <param name="ActivationParameter">Slope for LeakyReLU; ignored otherwise.</param>
public readonly record struct GemmEpilogue(Tensor? Bias = null, Activation Activation = Activation.None, float ActivationParameter = 0.01f)
{
    /// <summary>No bias, no activation.</summary>
    public static GemmEpilogue None => default;
}
