using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>The two networks of DP-WGAN, built from the options and the encoded row's layout.</summary>
public static class DpWganNetworks
{
    /// <summary>
    /// Power-iteration steps per critic step: noisy DP-SGD updates move the weights further per step
    /// than ordinary training, and one iteration then lags σ(W) by a few per cent; a few more are
    /// negligible next to the batch's GEMMs.
    /// </summary>
    public const int CriticPowerIterations = 3;

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
            layers.Add(new SpectralNormLinear(inputs, h, Activation.LeakyReLU, activationParameter: options.LeakySlope, powerIterations: CriticPowerIterations));
            inputs = h;
        }
        layers.Add(new SpectralNormLinear(inputs, 1, powerIterations: CriticPowerIterations));
        return layers.ToArray();
    }

    /// <summary>
    /// The generator: z → residual-concat blocks (CTGAN's) → linear logits at the encoded width →
    /// within each categorical span, softmax (<paramref name="gumbelKey"/> null: the probabilities
    /// sampling draws categories from) or, in training, Gumbel-softmax at the options' temperature
    /// (nearly one-hot draws from the same softmax, which the critic compares with one-hot real rows).
    /// Both heads have no parameters, so one parameter vector serves both.
    /// </summary>
    public static Layer[] Generator(int width, ColumnSpans spans, DpWganOptions options, NoiseKey? gumbelKey = null)
    {
        var layers = new List<Layer>();
        int inputs = options.LatentWidth;
        foreach (int h in options.GeneratorHidden)
        {
            layers.Add(new ResidualConcat(inputs, h));
            inputs += h;
        }
        layers.Add(new Linear(inputs, width));
        if (spans.Count > 0)
            layers.Add(new SpanSoftmax(width, spans, options.GumbelTemperature > 0 ? gumbelKey : null, options.GumbelTemperature));
        return layers.ToArray();
    }
}
