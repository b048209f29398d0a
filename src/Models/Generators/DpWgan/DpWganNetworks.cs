using DpSynth.Kernels;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>The two networks of DP-WGAN, built from the options and the encoded row's layout.</summary>
public static class DpWganNetworks
{
    /// <summary>
    /// The critic: spectrally normalised linear layers with LeakyReLU and a linear score head —
    /// no sigmoid, since a Wasserstein critic's score is unbounded. Each layer's weight is divided
    /// by its spectral norm and LeakyReLU is 1-Lipschitz, so the critic is 1-Lipschitz (up to the
    /// power-iteration estimate of each norm), as the Kantorovich–Rubinstein dual requires.
    /// </summary>
    public static Layer[] Critic(int width, DpWganOptions options)
    {
        var layers = new List<Layer>();
        int inputs = width;
        foreach (int h in options.CriticHidden)
        {
            layers.Add(new SpectralNormLinear(inputs, h, Activation.LeakyReLU, activationParameter: options.LeakySlope));
            inputs = h;
        }
        layers.Add(new SpectralNormLinear(inputs, 1));
        return layers.ToArray();
    }

    /// <summary>
    /// The generator: z → residual-concat blocks (CTGAN's) → linear to the encoded width → softmax
    /// within each categorical span, so its rows are what the encoder decodes.
    /// </summary>
    public static Layer[] Generator(int width, ColumnSpans spans, DpWganOptions options)
    {
        var layers = new List<Layer>();
        int inputs = options.LatentWidth;
        foreach (int h in options.GeneratorHidden)
        {
            layers.Add(new ResidualConcat(inputs, h));
            inputs += h;
        }
        layers.Add(new Linear(inputs, width));
        if (spans.Count > 0) layers.Add(new SpanSoftmax(width, spans));
        return layers.ToArray();
    }
}
