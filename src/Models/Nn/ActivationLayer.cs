using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>An element-wise activation as its own layer (when it cannot be fused into a preceding linear layer).</summary>
public sealed class ActivationLayer : Layer
{
    private readonly float _parameter;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _inputGradient = null!;
    private Tensor?[] _inputs = [];

    /// <summary>Creates an activation layer.</summary>
    /// <param name="function">The activation.</param>
    /// <param name="width">Number of features.</param>
    /// <param name="parameter">LeakyReLU slope.</param>
    public ActivationLayer(Activation function, int width, float parameter = 0.01f)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"An activation layer needs a positive width, got {width}.");
        Function = function;
        Width = width;
        _parameter = parameter;
    }

    /// <summary>The activation.</summary>
    public Activation Function { get; }

    /// <summary>Number of features.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <inheritdoc />
    public override string Describe() => $"{Function.ToString().ToLowerInvariant()} {Width}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _output = builder.AllocateRows(Width);
        _inputGradient = builder.AllocateGradientRows(Width);
        _inputs = PerWorker(builder);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        _inputs[pass.Worker] = x;
        var y = pass.Slice(_output);
        _backend.ActivationForward(Function, x, y, _parameter);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.ActivationBackward(Function, Saved(_inputs, pass, "input"), pass.Slice(_output), dy, dx, _parameter);
        return dx;
    }
}
