using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// The residual block of CTGAN and TableDiffusion: h = concat(x, act(Norm(Linear(x)))), so every
/// block passes its input through unchanged next to the new features (width in + out).
/// </summary>
public sealed class ResidualConcat : Layer
{
    private readonly Sequential _inner;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _innerGradient = null!, _inputGradient = null!;

    /// <summary>Creates the block.</summary>
    /// <param name="inputs">Input width.</param>
    /// <param name="outputs">Width of the new features.</param>
    /// <param name="groupNorm">Use a one-group <see cref="GroupNorm"/> instead of <see cref="LayerNorm"/>.</param>
    /// <param name="activation">Activation after the norm (ReLU in both papers).</param>
    public ResidualConcat(int inputs, int outputs, bool groupNorm = false, Activation activation = Activation.ReLU)
    {
        Inputs = inputs;
        Outputs = outputs;
        _inner = new Sequential(
            new Linear(inputs, outputs),
            groupNorm ? new GroupNorm(outputs) : new LayerNorm(outputs),
            new ActivationLayer(activation, outputs));
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Width of the new features.</summary>
    public int Outputs { get; }

    /// <summary>Linear → norm → activation.</summary>
    public Sequential Inner => _inner;

    /// <inheritdoc />
    public override int InputWidth => Inputs;

    /// <inheritdoc />
    public override int OutputWidth => Inputs + Outputs;

    /// <inheritdoc />
    public override string Describe() => $"residual-concat[{_inner.Describe()}]";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        _inner.Build(builder, name);
        _output = builder.AllocateRows(Inputs + Outputs);
        _innerGradient = builder.AllocateGradientRows(Outputs);
        _inputGradient = builder.AllocateGradientRows(Inputs);
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random) => _inner.Initialise(random);

    /// <inheritdoc />
    protected internal override IEnumerable<Tensor> State => _inner.State;

    /// <inheritdoc />
    protected internal override void PrepareStep(bool training) => _inner.PrepareStep(training);

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var features = _inner.Forward(x, pass);
        var h = pass.Slice(_output);
        _backend.CopyColumns(x, 0, h, 0, Inputs);
        _backend.CopyColumns(features, 0, h, Inputs, Outputs);
        return h;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        var innerDy = pass.Slice(_innerGradient);
        _backend.CopyColumns(dy, Inputs, innerDy, 0, Outputs);
        var innerDx = _inner.Backward(innerDy, pass, needInputGradient);
        if (!needInputGradient) return null;
        // dx = (pass-through part of dh) + (gradient through the inner branch).
        var dx = pass.Slice(_inputGradient);
        _backend.CopyColumns(dy, 0, dx, 0, Inputs);
        _backend.Axpy(1f, innerDx!, dx);
        return dx;
    }

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms) => _inner.AddSquaredNorms(pass, norms);

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors) => _inner.AccumulateGradients(pass, factors);

    /// <inheritdoc />
    protected internal override void PreparePerExample(in BatchPass pass) => _inner.PreparePerExample(pass);

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
        => _inner.WritePerExampleGradient(pass, example, flat);
}
