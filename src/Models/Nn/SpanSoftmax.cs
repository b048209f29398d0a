using DpSynth.Kernels;
using DpSynth.Kernels.Random;

namespace DpSynth.Models.Nn;

/// <summary>
/// Softmax within column spans (the one-hot blocks of encoded categorical columns); columns
/// outside every span pass through unchanged. A generator's last layer, so that its rows are
/// distributions over categories, the form the encoder's decoding expects. With a noise key it is
/// the Gumbel-softmax relaxation of drawing a category (Jang et al. 2017): y = softmax((x + g)/τ)
/// with g_j i.i.d. Gumbel(0, 1), a differentiable, nearly one-hot stand-in for a draw from
/// softmax(x) as τ → 0 — a GAN generator's training head, so that its categorical outputs look like
/// the real one-hot rows rather than soft vectors a critic can tell apart by their shape alone.
/// </summary>
/// <remarks>
/// g = −ln E with E = (z₁² + z₂²)/2 ~ Exp(1), z₁, z₂ standard normal: exact, from the Gaussian stream
/// of the key. Element (row r, column j) of a pass tagged t reads elements 2·((t·2²⁴ + r)·W + j) and
/// the next one, so the noise depends on (key, tag, row) alone, not on how rows are split over
/// workers. The noise is drawn on the host and uploaded, which works on every backend.
/// </remarks>
public sealed class SpanSoftmax : Layer
{
    /// <summary>Rows a pass may address per tag (24 bits of the noise offset).</summary>
    private const int MaxRowsPerTag = 1 << 24;

    private readonly ColumnSpans _spans;
    private readonly NoiseKey? _gumbelKey;
    private readonly bool[] _inSpan;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _inputGradient = null!, _noise = null!, _scale = null!;
    private float[] _hostNormals = [], _hostNoise = [];

    /// <summary>Creates the layer: plain softmax, or Gumbel-softmax at <paramref name="temperature"/> when <paramref name="gumbelKey"/> is given.</summary>
    /// <param name="width">Columns of the row.</param>
    /// <param name="spans">The spans to normalise; they must lie within the row.</param>
    /// <param name="gumbelKey">Key of the Gumbel noise; null for the plain softmax.</param>
    /// <param name="temperature">τ &gt; 0 of the Gumbel-softmax (smaller is closer to one-hot); ignored without a key.</param>
    public SpanSoftmax(int width, ColumnSpans spans, NoiseKey? gumbelKey = null, float temperature = 1f)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A softmax layer needs a positive width, got {width}.");
        if (spans.End > width) throw new ArgumentException($"The spans reach column {spans.End}, beyond the row's {width} columns.", nameof(spans));
        if (gumbelKey is not null && (!(temperature > 0) || float.IsInfinity(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"The Gumbel-softmax temperature must be positive and finite, got {temperature}.");
        Width = width;
        _spans = spans;
        _gumbelKey = gumbelKey;
        Temperature = gumbelKey is null ? 1f : temperature;
        _inSpan = new bool[width];
        for (int s = 0; s < spans.Count; s++) _inSpan.AsSpan(spans.Starts[s], spans.Lengths[s]).Fill(true);
    }

    /// <summary>Columns of the row.</summary>
    public int Width { get; }

    /// <summary>The Gumbel-softmax temperature τ (1 for the plain softmax).</summary>
    public float Temperature { get; }

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => _gumbelKey is null
        ? $"softmax over {_spans.Count} spans of {Width}"
        : $"gumbel-softmax τ={Temperature} over {_spans.Count} spans of {Width}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _output = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateGradientRows(Width);
        if (_gumbelKey is null) return;
        if (builder.MaxRows > MaxRowsPerTag) throw new ArgumentException($"A Gumbel-softmax layer addresses at most {MaxRowsPerTag} rows per pass.");
        _noise = builder.AllocateRows(Width);
        // 1/τ on span columns, 1 elsewhere, as a batch-sized tensor for the element-wise product.
        _scale = builder.AllocateRows(Width);
        var scale = new float[(long)builder.MaxRows * Width];
        for (int i = 0; i < scale.Length; i++) scale[i] = _inSpan[i % Width] ? 1f / Temperature : 1f;
        _backend.Upload(scale, _scale);
        _hostNormals = new float[2L * builder.MaxRows * Width];
        _hostNoise = new float[(long)builder.MaxRows * Width];
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var y = pass.Slice(_output);
        if (_gumbelKey is null)
        {
            _backend.Softmax(x, y, _spans);
            return y;
        }
        _backend.Copy(x, y);
        _backend.Axpy(1f, GumbelNoise(pass), y);
        _backend.Multiply(y, pass.Slice(_scale), y);
        _backend.Softmax(y, y, _spans);
        return y;
    }

    /// <summary>Uploads the pass's Gumbel noise (zero outside the spans) and returns it.</summary>
    private Tensor GumbelNoise(in BatchPass pass)
    {
        int w = Width;
        var normals = _hostNormals.AsSpan(2 * pass.Start * w, 2 * pass.Rows * w);
        var noise = _hostNoise.AsSpan(pass.Start * w, pass.Rows * w);
        GaussianStream.Fill(_gumbelKey!, ((ulong)pass.RandomTag * MaxRowsPerTag + (ulong)pass.Start) * (ulong)w * 2, normals);
        for (int i = 0; i < noise.Length; i++)
        {
            float a = normals[2 * i], b = normals[2 * i + 1];
            noise[i] = _inSpan[i % w] ? -MathF.Log(Math.Max(0.5f * (a * a + b * b), 1e-30f)) : 0f;
        }
        var g = pass.Slice(_noise);
        _backend.Upload(noise, g);
        return g;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.SoftmaxBackward(pass.Slice(_output), dy, dx, _spans);
        if (_gumbelKey is not null) _backend.Multiply(dx, pass.Slice(_scale), dx); // the noise is constant; 1/τ is not
        return dx;
    }
}
