using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A first-order optimiser over a network's flat parameter vector. <see cref="Apply"/> takes any
/// contiguous range of the vector, so the update can be split over workers like the reduction.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<Tensor> _state = [];

    /// <summary>Short name ("adam", "adamw", "sgd").</summary>
    public abstract string Name { get; }

    /// <summary>Number of completed steps (Adam's bias correction uses it).</summary>
    public long Steps { get; set; }

    /// <summary>State vectors laid out like the parameters (moments, velocity), for checkpoints.</summary>
    public IReadOnlyList<Tensor> State => _state;

    /// <summary>Allocates state for <paramref name="parameters"/>; called once by the trainer.</summary>
    public void Bind(ParameterSet parameters)
    {
        if (_state.Count > 0) throw new InvalidOperationException($"This {Name} optimiser is already bound to a network.");
        for (int i = 0; i < StateVectors; i++) _state.Add(parameters.NewFlat());
    }

    /// <summary>How many state vectors the optimiser keeps.</summary>
    protected abstract int StateVectors { get; }

    /// <summary>
    /// Updates parameters [start, start + count) of the flat vector from the same range of the
    /// gradient, as step <see cref="Steps"/> + 1 (the caller increments <see cref="Steps"/> once per step).
    /// </summary>
    public void Apply(Tensor values, Tensor gradient, int start, int count)
    {
        if (_state.Count != StateVectors) throw new InvalidOperationException($"The {Name} optimiser is not bound to a network.");
        Update(values.SliceRows(start, count), gradient.SliceRows(start, count), _state.Select(s => s.SliceRows(start, count)).ToArray());
    }

    /// <summary>Applies one update to slices of the parameters, gradient and state.</summary>
    protected abstract void Update(Tensor values, Tensor gradient, Tensor[] state);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _state) s.Storage.Dispose();
        _state.Clear();
    }
}

/// <summary>Adam, or AdamW when <see cref="AdamParameters.Decoupled"/> is set.</summary>
/// <param name="hyper">Hyper-parameters.</param>
public sealed class AdamOptimizer(AdamParameters hyper) : Optimizer
{
    /// <summary>Adam with default hyper-parameters and the given learning rate.</summary>
    public AdamOptimizer(float learningRate = 1e-3f) : this(new AdamParameters(LearningRate: learningRate)) { }

    /// <summary>Hyper-parameters.</summary>
    public AdamParameters Hyper { get; } = hyper;

    /// <inheritdoc />
    public override string Name => Hyper.Decoupled ? "adamw" : "adam";

    /// <inheritdoc />
    protected override int StateVectors => 2;

    /// <inheritdoc />
    protected override void Update(Tensor values, Tensor gradient, Tensor[] state)
        => values.Backend.AdamStep(values, gradient, state[0], state[1], Hyper, checked((int)(Steps + 1)));
}

/// <summary>SGD with optional momentum and L2 weight decay.</summary>
/// <param name="learningRate">Step size.</param>
/// <param name="momentum">Momentum coefficient μ.</param>
/// <param name="weightDecay">L2 coefficient.</param>
public sealed class SgdOptimizer(float learningRate, float momentum = 0f, float weightDecay = 0f) : Optimizer
{
    /// <summary>Step size.</summary>
    public float LearningRate { get; } = learningRate;

    /// <summary>Momentum coefficient.</summary>
    public float Momentum { get; } = momentum;

    /// <summary>L2 coefficient.</summary>
    public float WeightDecay { get; } = weightDecay;

    /// <inheritdoc />
    public override string Name => "sgd";

    /// <inheritdoc />
    protected override int StateVectors => 1;

    /// <inheritdoc />
    protected override void Update(Tensor values, Tensor gradient, Tensor[] state)
        => values.Backend.SgdStep(values, gradient, state[0], LearningRate, Momentum, WeightDecay);
}
