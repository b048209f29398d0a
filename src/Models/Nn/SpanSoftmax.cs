using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// Softmax within column spans (the one-hot blocks of encoded categorical columns); columns
/// outside every span pass through unchanged. A generator's last layer, so that its rows are
/// distributions over categories, the form the encoder's decoding expects.
/// </summary>
public sealed class SpanSoftmax : Layer
{
    private readonly ColumnSpans _spans;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _inputGradient = null!;

    /// <summary>Creates the layer.</summary>
    /// <param name="width">Columns of the row.</param>
    /// <param name="spans">The spans to normalise; they must lie within the row.</param>
    public SpanSoftmax(int width, ColumnSpans spans)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A softmax layer needs a positive width, got {width}.");
        if (spans.End > width) throw new ArgumentException($"The spans reach column {spans.End}, beyond the row's {width} columns.", nameof(spans));
        Width = width;
        _spans = spans;
    }

    /// <summary>Columns of the row.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => $"softmax over {_spans.Count} spans of {Width}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _output = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateRows(Width);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var y = pass.Slice(_output);
        _backend.Softmax(x, y, _spans);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.SoftmaxBackward(pass.Slice(_output), dy, dx, _spans);
        return dx;
    }
}
