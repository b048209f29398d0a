using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// The VAE's bottleneck during training: μ = L·h (the fixed public Lipschitz target L scales the
/// spectrally normalised encoder's output), z = μ + σ·ξ with a fixed public σ, and the KL term of
/// q(z|x) = N(μ, σ²I) against N(0, I), whose data-dependent part is ½‖μ‖² (the rest is constant in
/// the weights), folded into the backward pass: ∂/∂h = L·(∂loss/∂z + β·μ). Parameterless, so the
/// encoder's ghost norms see the full per-example gradient, KL included. At inference it returns μ.
/// </summary>
/// <remarks>
/// ξ is ChaCha20 Gaussian element (tag·capacity + row)·width + j of the layer's key, so it does not
/// depend on how rows are split over workers. It is training noise: DP-SGD's guarantee does not rest
/// on it; the release mechanism draws its own (<see cref="LipschitzVaeSampler"/>).
/// </remarks>
public sealed class LatentLayer : Layer
{
    private readonly float _scale, _sigma, _beta;
    private readonly NoiseKey _key;
    private IComputeBackend _backend = null!;
    private Tensor _mu = null!, _noise = null!, _output = null!, _inputGradient = null!;
    private float[] _hostNoise = [];
    private int _capacity;

    /// <summary>Creates the layer.</summary>
    /// <param name="width">Latent width.</param>
    /// <param name="scale">L, the encoder's Lipschitz target.</param>
    /// <param name="sigma">σ of the latent noise (public).</param>
    /// <param name="beta">Weight β of the KL term.</param>
    /// <param name="key">Key of the training latent noise.</param>
    public LatentLayer(int width, float scale, float sigma, float beta, NoiseKey key)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "a latent layer needs a positive width");
        Width = width;
        _scale = scale;
        _sigma = sigma;
        _beta = beta;
        _key = key;
    }

    /// <summary>Latent width.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => FormattableString.Invariant($"latent {Width} (mu = {_scale}·h, z = mu + {_sigma}·xi, KL beta {_beta})");

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _capacity = builder.MaxRows;
        _mu = builder.AllocateRows(Width);
        _noise = builder.AllocateRows(Width);
        _output = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateRows(Width);
        _hostNoise = new float[(long)builder.MaxRows * Width];
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var mu = pass.Slice(_mu);
        _backend.Copy(x, mu);
        _backend.Scale(mu, _scale);
        if (!pass.Training || _sigma == 0) return mu;
        var host = _hostNoise.AsSpan(pass.Start * Width, pass.Rows * Width);
        ulong offset = ((ulong)pass.RandomTag * (ulong)_capacity + (ulong)pass.Start) * (ulong)Width;
        GaussianStream.Fill(_key, offset, host);
        var noise = pass.Slice(_noise);
        _backend.Upload(host, noise);
        var z = pass.Slice(_output);
        _backend.Copy(mu, z);
        _backend.Axpy(_sigma, noise, z);
        return z;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.Copy(dy, dx);
        if (pass.Training && _beta != 0) _backend.Axpy(_beta / pass.GroupSize, pass.Slice(_mu), dx);
        _backend.Scale(dx, _scale);
        return dx;
    }
}
