using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>Layers applied one after another; itself a layer, so blocks can nest.</summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;

    /// <summary>Chains <paramref name="layers"/>; each layer's output width must match the next one's input width.</summary>
    public Sequential(params IEnumerable<Layer> layers)
    {
        _layers = layers.ToArray();
        if (_layers.Length == 0) throw new ArgumentException("A sequential block needs at least one layer.");
        for (int i = 1; i < _layers.Length; i++)
            if (_layers[i - 1].OutputWidth != _layers[i].InputWidth)
                throw new ArgumentException($"Layer {i - 1} ({_layers[i - 1].Describe()}) outputs {_layers[i - 1].OutputWidth} columns but layer {i} ({_layers[i].Describe()}) expects {_layers[i].InputWidth}.");
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <inheritdoc />
    public override int InputWidth => _layers[0].InputWidth;

    /// <inheritdoc />
    public override int OutputWidth => _layers[^1].OutputWidth;

    /// <inheritdoc />
    public override string Describe() => string.Join(" → ", _layers.Select(l => l.Describe()));

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        for (int i = 0; i < _layers.Length; i++) _layers[i].Build(builder, name.Length == 0 ? i.ToString() : $"{name}.{i}");
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random)
    {
        foreach (var l in _layers) l.Initialise(random);
    }

    /// <inheritdoc />
    protected internal override IEnumerable<Tensor> State => _layers.SelectMany(l => l.State);

    /// <inheritdoc />
    protected internal override void PrepareStep(bool training)
    {
        foreach (var l in _layers) l.PrepareStep(training);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        foreach (var l in _layers) x = l.Forward(x, pass);
        return x;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        Tensor? d = dy;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            d = _layers[i].Backward(d!, pass, i > 0 || needInputGradient);
            if (d is null && i > 0) throw new InvalidOperationException($"{_layers[i].Describe()} returned no input gradient.");
        }
        return d;
    }

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms)
    {
        foreach (var l in _layers) l.AddSquaredNorms(pass, norms);
    }

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors)
    {
        foreach (var l in _layers) l.AccumulateGradients(pass, factors);
    }

    /// <inheritdoc />
    protected internal override void PreparePerExample(in BatchPass pass)
    {
        foreach (var l in _layers) l.PreparePerExample(pass);
    }

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
    {
        foreach (var l in _layers) l.WritePerExampleGradient(pass, example, flat);
    }
}
