using DpSynth.Kernels;
using DpSynth.Kernels.Random;

namespace DpSynth.Models.Nn;

/// <summary>
/// The Gumbel-softmax relaxation of drawing a category (Jang et al. 2017): within each column span
/// y = softmax((x + g)/τ) with g_j i.i.d. Gumbel(0, 1), a differentiable, nearly one-hot stand-in for
/// a draw from softmax(x) as τ → 0; columns outside every span pass through unchanged. A GAN
/// generator's training head, so that its categorical outputs look like the real one-hot rows
/// instead of soft vectors a critic can tell apart by their shape alone.
/// </summary>
/// <remarks>
/// g = −ln E with E = (z₁² + z₂²)/2 ~ Exp(1), z₁, z₂ standard normal: exact, from the Gaussian stream
/// of the layer's key. Element (row r, column j) of the pass tagged t reads elements
/// 2·((t·2²⁴ + r)·W + j) and the next one, so the noise depends on (key, tag, row) alone, not on how
/// rows are split over workers. The noise is drawn on the host and uploaded, which works on every backend.
/// </remarks>
public sealed class GumbelSoftmax : Layer
{
    private readonly ColumnSpans _spans;
    private readonly NoiseKey _key;
    private readonly float[] _columnScale;
    private readonly bool[] _inSpan;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _noise = null!, _scale = null!, _inputGradient = null!;
    private float[] _hostNormals = [], _hostNoise = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="width">Columns of the row.</param>
    /// <param name="spans">The categorical spans; they must lie within the row.</param>
    /// <param name="temperature">τ &gt; 0; smaller is closer to one-hot.</param>
    /// <param name="key">Key of the Gumbel noise.</param>
    public GumbelSoftmax(int width, ColumnSpans spans, float temperature, NoiseKey key)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A softmax layer needs a positive width, got {width}.");
        if (spans.End > width) throw new ArgumentException($"The spans reach column {spans.End}, beyond the row's {width} columns.", nameof(spans));
        if (!(temperature > 0) || float.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"The Gumbel-softmax temperature must be positive and finite, got {temperature}.");
        Width = width;
        Temperature = temperature;
        _spans = spans;
        _key = key;
        _columnScale = new float[width];
        _inSpan = new bool[width];
        Array.Fill(_columnScale, 1f);
        for (int s = 0; s < spans.Count; s++)
        {
            _columnScale.AsSpan(spans.Starts[s], spans.Lengths[s]).Fill(1f / temperature);
            _inSpan.AsSpan(spans.Starts[s], spans.Lengths[s]).Fill(true);
        }
    }

    /// <summary>Columns of the row.</summary>
    public int Width { get; }

    /// <summary>The temperature τ.</summary>
    public float Temperature { get; }

    /// <summary>Largest row index a pass may reach (rows are addressed within a tag by 24 bits).</summary>
    private const int MaxRowsPerTag = 1 << 24;

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => $"gumbel-softmax τ={Temperature} over {_spans.Count} spans of {Width}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        if (builder.MaxRows > MaxRowsPerTag) throw new ArgumentException($"A Gumbel-softmax layer addresses at most {MaxRowsPerTag} rows per pass.");
        _backend = builder.Backend;
        _output = builder.AllocateRows(Width);
        _noise = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateRows(Width);
        _scale = builder.AllocateRows(Width);
        var scale = new float[(long)builder.MaxRows * Width];
        for (int r = 0; r < builder.MaxRows; r++) _columnScale.CopyTo(scale.AsSpan(r * Width, Width));
        _backend.Upload(scale, _scale);
        _hostNormals = new float[2L * builder.MaxRows * Width];
        _hostNoise = new float[(long)builder.MaxRows * Width];
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        int w = Width, rows = pass.Rows;
        var normals = _hostNormals.AsSpan(2 * pass.Start * w, 2 * rows * w);
        var noise = _hostNoise.AsSpan(pass.Start * w, rows * w);
        ulong first = ((ulong)pass.RandomTag * MaxRowsPerTag + (ulong)pass.Start) * (ulong)w * 2;
        GaussianStream.Fill(_key, first, normals);
        for (int i = 0; i < noise.Length; i++)
        {
            if (!_inSpan[i % w]) { noise[i] = 0; continue; }
            float a = normals[2 * i], b = normals[2 * i + 1];
            noise[i] = -MathF.Log(Math.Max(0.5f * (a * a + b * b), 1e-30f));
        }
        var g = pass.Slice(_noise);
        _backend.Upload(noise, g);
        var y = pass.Slice(_output);
        _backend.Copy(x, y);
        _backend.Axpy(1f, g, y);
        _backend.Multiply(y, pass.Slice(_scale), y);
        _backend.Softmax(y, y, _spans);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.SoftmaxBackward(pass.Slice(_output), dy, dx, _spans);
        _backend.Multiply(dx, pass.Slice(_scale), dx);
        return dx;
    }
}
