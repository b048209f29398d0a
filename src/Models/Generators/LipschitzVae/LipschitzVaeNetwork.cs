using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>The Lipschitz VAE's layers: the spectrally normalised encoder, the latent bottleneck and the decoder.</summary>
public static class LipschitzVaeNetwork
{
    /// <summary>Encoder: spectral-norm linear layers, ReLU after each hidden one, linear to the latent width.</summary>
    public static SpectralNormLinear[] Encoder(int width, LipschitzVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = new List<SpectralNormLinear>();
        int inputs = width;
        foreach (int h in options.EncoderHidden)
        {
            layers.Add(new SpectralNormLinear(inputs, h, Activation.ReLU));
            inputs = h;
        }
        layers.Add(new SpectralNormLinear(inputs, options.LatentWidth));
        return layers.ToArray();
    }

    /// <summary>Decoder: linear + ReLU hidden layers and a linear head to the encoded width (logits on the spans).</summary>
    public static Layer[] Decoder(int width, LipschitzVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = new List<Layer>();
        int inputs = options.LatentWidth;
        foreach (int h in options.DecoderHidden)
        {
            layers.Add(new Linear(inputs, h, Activation.ReLU));
            inputs = h;
        }
        layers.Add(new Linear(inputs, width));
        return layers.ToArray();
    }

    /// <summary>The whole training network: encoder, latent layer (noise and KL), decoder.</summary>
    public static (SpectralNormLinear[] Encoder, Layer[] All) Training(int width, LipschitzVaeOptions options, NoiseKey latentKey)
    {
        var encoder = Encoder(width, options);
        var latent = new LatentLayer(options.LatentWidth, (float)options.Lipschitz, (float)options.LatentSigma, (float)options.Beta, latentKey);
        return (encoder, [.. encoder, latent, .. Decoder(width, options)]);
    }
}
