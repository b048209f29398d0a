using DpSynth.Kernels;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Tests.Nn;

/// <summary>Small networks covering every layer type, shared by the gradient and per-example tests.</summary>
public static class TestNetworks
{
    /// <summary>Input columns of every test network.</summary>
    public const int InputWidth = 5;

    /// <summary>Output columns of every test network.</summary>
    public const int OutputWidth = 3;

    /// <summary>Embedding vocabulary of the embedding network (index in the last input column).</summary>
    public const int EmbeddingCount = 4;

    /// <summary>Named layer factories (fresh layers per call: a layer belongs to one network).</summary>
    public static IReadOnlyDictionary<string, Func<Layer[]>> All { get; } = new Dictionary<string, Func<Layer[]>>
    {
        ["linear-tanh"] = () => [new Linear(5, 7, Activation.Tanh), new Linear(7, 3)],
        ["linear-relu-nobias"] = () => [new Linear(5, 6, Activation.ReLU, bias: false), new Linear(6, 3, Activation.Sigmoid)],
        ["linear-gelu-unfused"] = () => [new Linear(5, 6, Activation.Gelu), new Linear(6, 3, Activation.SiLU)],
        ["spectral-norm"] = () => [new SpectralNormLinear(5, 6, Activation.Tanh), new SpectralNormLinear(6, 3)],
        ["layernorm"] = () => [new Linear(5, 6), new LayerNorm(6), new ActivationLayer(Activation.SiLU, 6), new Linear(6, 3)],
        ["groupnorm"] = () => [new Linear(5, 6), new GroupNorm(6), new ActivationLayer(Activation.Tanh, 6), new Linear(6, 3)],
        ["residual-concat"] = () => [new ResidualConcat(5, 4, activation: Activation.SiLU), new ResidualConcat(9, 4, groupNorm: true, activation: Activation.Gelu), new Linear(13, 3)],
        ["embedding"] = () => [new Embedding(5, EmbeddingCount, 3), new Linear(7, 3, Activation.Tanh)],
        ["dropout"] = () => [new Linear(5, 6, Activation.Tanh), new Dropout(6, 0.3f, seed: 11), new Linear(6, 3)],
        // Column 2 lies outside both spans and passes through.
        ["span-softmax"] = () => [new Linear(5, 6), new SpanSoftmax(6, new ColumnSpans([(0, 2), (3, 3)])), new Linear(6, 3)],
        ["gumbel-softmax"] = () => [new Linear(5, 6), new SpanSoftmax(6, new ColumnSpans([(0, 2), (3, 3)]), Kernels.Random.NoiseKey.FromSeed(3), 0.5f), new Linear(6, 3)],
    };

    /// <summary>Seeded inputs; the embedding network gets integer indices in its last column.</summary>
    public static float[] Inputs(string name, int rows, int seed)
    {
        var rng = new System.Random(seed);
        var x = new float[rows * InputWidth];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        if (name == "embedding")
            for (int r = 0; r < rows; r++) x[r * InputWidth + InputWidth - 1] = rng.Next(EmbeddingCount);
        return x;
    }

    /// <summary>Input columns that are not differentiable (the embedding index).</summary>
    public static bool IsIndexColumn(string name, int column) => name == "embedding" && column == InputWidth - 1;

    /// <summary>Seeded uniform values in [−1, 1).</summary>
    public static float[] Uniform(int length, int seed)
    {
        var rng = new System.Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>A tensor holding the given host values.</summary>
    public static Tensor Upload(IComputeBackend backend, float[] values, int rows, int cols)
    {
        var t = backend.Allocate(rows, cols);
        backend.Upload(values, t);
        return t;
    }

    /// <summary>A tensor's values on the host.</summary>
    public static float[] Download(Tensor t)
    {
        var host = new float[t.Length];
        t.Backend.Download(t, host);
        return host;
    }
}
