using System.Globalization;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>One layer of the released encoder mean: a = act(W·a + b), W out×in row-major.</summary>
/// <param name="Weight">W, out×in, row-major.</param>
/// <param name="Bias">b (length out).</param>
/// <param name="Inputs">in.</param>
/// <param name="Outputs">out.</param>
/// <param name="Relu">Whether ReLU (1-Lipschitz) follows; else the identity.</param>
public sealed record EncoderLayer(float[] Weight, float[] Bias, int Inputs, int Outputs, bool Relu);

/// <summary>
/// The encoder mean μ(x) = s · f_K(…f_1(x)) that twins mode releases through, with a certified Lipschitz
/// bound L_μ = s · Π_l ‖W_l‖₂ · Π Lip(act) (ReLU and the identity are 1-Lipschitz; biases do not count):
/// each ‖W_l‖₂ is bounded from above exactly, in double precision, from the stored float32 weights
/// (<see cref="ExactSpectralNorm"/>), when the encoder is built — never read from a file or from the
/// power iteration of training. μ is evaluated in double precision on the host, so the map certified
/// is the map released. No LayerNorm, dropout or residual path is allowed in it.
/// </summary>
public sealed class CertifiedEncoder
{
    /// <summary>Builds the map and certifies it.</summary>
    /// <param name="layers">The layers, first to last.</param>
    /// <param name="scale">The output scale s &gt; 0.</param>
    /// <exception cref="ArgumentException">The layers do not chain, or hold non-finite values.</exception>
    public CertifiedEncoder(IReadOnlyList<EncoderLayer> layers, double scale)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("the encoder needs at least one layer");
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentException($"the encoder's scale must be positive and finite, got {scale.ToString("R", CultureInfo.InvariantCulture)}");
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.Weight.Length != layer.Inputs * layer.Outputs || layer.Bias.Length != layer.Outputs)
                throw new ArgumentException($"encoder layer {l}: {layer.Weight.Length} weights and {layer.Bias.Length} biases do not fit {layer.Inputs}→{layer.Outputs}");
            if (l > 0 && layers[l - 1].Outputs != layer.Inputs)
                throw new ArgumentException($"encoder layer {l} takes {layer.Inputs} inputs but layer {l - 1} gives {layers[l - 1].Outputs}");
            if (layer.Bias.Any(b => !float.IsFinite(b))) throw new ArgumentException($"encoder layer {l} holds a non-finite bias");
        }
        Layers = layers;
        Scale = scale;
        LayerNorms = layers.Select(l => ExactSpectralNorm.UpperBound(l.Weight, l.Outputs, l.Inputs)).ToArray();
        Lipschitz = scale * LayerNorms.Aggregate(1.0, (p, n) => p * n);
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<EncoderLayer> Layers { get; }

    /// <summary>The output scale s.</summary>
    public double Scale { get; }

    /// <summary>Certified upper bounds on each ‖W_l‖₂.</summary>
    public IReadOnlyList<double> LayerNorms { get; }

    /// <summary>The certified Lipschitz bound L_μ = s · Π ‖W_l‖₂ (activations are 1-Lipschitz).</summary>
    public double Lipschitz { get; }

    /// <summary>Input width.</summary>
    public int InputWidth => Layers[0].Inputs;

    /// <summary>Latent width.</summary>
    public int LatentWidth => Layers[^1].Outputs;

    /// <summary>
    /// This map projected onto Lipschitz bound <paramref name="target"/>: itself when L_μ ≤ target,
    /// else the map with s scaled by target/L_μ (re-certified, and nudged down until L_μ ≤ target).
    /// </summary>
    public CertifiedEncoder ProjectedTo(double target)
    {
        if (!(target > 0) || !double.IsFinite(target)) throw new ArgumentException($"the Lipschitz target must be positive and finite, got {target.ToString("R", CultureInfo.InvariantCulture)}");
        if (Lipschitz <= target) return this;
        double scale = Scale * (target / Lipschitz);
        var projected = new CertifiedEncoder(Layers, scale);
        while (projected.Lipschitz > target) projected = new CertifiedEncoder(Layers, Math.BitDecrement(projected.Scale));
        return projected;
    }

    /// <summary>μ(x) in double precision.</summary>
    /// <param name="x">An encoded record (length <see cref="InputWidth"/>).</param>
    /// <param name="mu">The mean (length <see cref="LatentWidth"/>).</param>
    public void Mean(ReadOnlySpan<double> x, Span<double> mu) => Forward(x, mu, null);

    /// <summary>μ(x) and, with <paramref name="preActivations"/>, each layer's pre-activation (for <see cref="PullBack"/>).</summary>
    internal void Forward(ReadOnlySpan<double> x, Span<double> mu, double[][]? preActivations)
    {
        if (x.Length != InputWidth || mu.Length != LatentWidth) throw new ArgumentException($"μ maps {InputWidth} inputs to {LatentWidth} latents");
        double[] a = x.ToArray();
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var next = new double[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                double s = layer.Bias[o];
                var row = layer.Weight.AsSpan(o * layer.Inputs, layer.Inputs);
                for (int i = 0; i < row.Length; i++) s += row[i] * a[i];
                next[o] = s;
            }
            if (preActivations is not null) preActivations[l] = (double[])next.Clone();
            if (layer.Relu) for (int o = 0; o < next.Length; o++) next[o] = Math.Max(0, next[o]);
            a = next;
        }
        for (int j = 0; j < a.Length; j++) mu[j] = Scale * a[j];
    }

    /// <summary>Jᵀ·g: the gradient w.r.t. x of ⟨g, μ(x)⟩, given the pre-activations of <see cref="Forward"/> at x.</summary>
    internal double[] PullBack(double[][] preActivations, ReadOnlySpan<double> g)
    {
        var d = new double[g.Length];
        for (int j = 0; j < d.Length; j++) d[j] = Scale * g[j];
        for (int l = Layers.Count - 1; l >= 0; l--)
        {
            var layer = Layers[l];
            if (layer.Relu) for (int o = 0; o < d.Length; o++) if (preActivations[l][o] <= 0) d[o] = 0;
            var back = new double[layer.Inputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                if (d[o] == 0) continue;
                var row = layer.Weight.AsSpan(o * layer.Inputs, layer.Inputs);
                for (int i = 0; i < row.Length; i++) back[i] += row[i] * d[o];
            }
            d = back;
        }
        return d;
    }
}
