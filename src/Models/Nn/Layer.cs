using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A differentiable layer. Forward and backward live side by side in each layer; so do the two DP
/// paths: per-example squared gradient norms without per-example gradients (ghost norms) and the
/// explicit per-example gradient (the reference). A layer remembers, per worker, the views it saw in
/// forward/backward, so the DP hooks called after the backward pass can reuse them.
/// </summary>
/// <remarks>
/// Call order for one training pass of one worker: <see cref="Forward"/>, <see cref="Backward"/>,
/// then in <see cref="GradientMode.Ghost"/> mode <see cref="AddSquaredNorms"/> and
/// <see cref="AccumulateGradients"/> (with clip factors); in <see cref="GradientMode.Materialized"/>
/// mode <see cref="PreparePerExample"/> and <see cref="WritePerExampleGradient"/> per example; in
/// <see cref="GradientMode.Direct"/> mode <see cref="AccumulateGradients"/> without factors.
/// </remarks>
public abstract class Layer
{
    /// <summary>Columns of the input.</summary>
    public abstract int InputWidth { get; }

    /// <summary>Columns of the output.</summary>
    public abstract int OutputWidth { get; }

    /// <summary>Short description for reports ("linear 108→256 relu").</summary>
    public abstract string Describe();

    /// <summary>Declares parameters and allocates workspaces. Called once by the network.</summary>
    protected internal abstract void Build(LayerBuilder builder, string name);

    /// <summary>Writes initial parameter values (host side, seeded).</summary>
    protected internal virtual void Initialise(System.Random random) { }

    /// <summary>Non-trainable state that a checkpoint must keep (e.g. power-iteration vectors).</summary>
    protected internal virtual IEnumerable<Tensor> State => [];

    /// <summary>
    /// Serial work before a step's parallel passes, e.g. one power-iteration step. With
    /// <paramref name="training"/> false it only refreshes derived values from the current weights.
    /// </summary>
    protected internal virtual void PrepareStep(bool training) { }

    /// <summary>Computes this pass's output rows from <paramref name="x"/>; returns a view of the layer's output workspace.</summary>
    public abstract Tensor Forward(Tensor x, in BatchPass pass);

    /// <summary>
    /// Given the loss gradient w.r.t. this pass's outputs, returns the gradient w.r.t. its inputs
    /// (null when <paramref name="needInputGradient"/> is false and the layer does not need it).
    /// In <see cref="GradientMode.Direct"/> mode a layer may add its parameter gradients here.
    /// </summary>
    public abstract Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient);

    /// <summary>Adds each example's squared parameter-gradient norm to norms (Examples × 1).</summary>
    protected internal virtual void AddSquaredNorms(in BatchPass pass, Tensor norms) { }

    /// <summary>
    /// Adds Σ_i f_i·g_i (the clipped sum; f = 1 when <paramref name="factors"/> is null) to the pass's
    /// gradient buffer. May scale the stored output gradients in place.
    /// </summary>
    protected internal virtual void AccumulateGradients(in BatchPass pass, Tensor? factors) { }

    /// <summary>Per-pass preparation before per-example gradients are written (materialised path).</summary>
    protected internal virtual void PreparePerExample(in BatchPass pass) { }

    /// <summary>
    /// Writes the gradient of example <paramref name="example"/> (0-based within the pass) into the
    /// layer's blocks of <paramref name="flat"/>, a P×1 vector laid out like the parameters.
    /// </summary>
    protected internal virtual void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat) { }

    /// <summary>Per-worker slot for the views a pass saw, so concurrent workers do not share them.</summary>
    protected static Tensor?[] PerWorker(LayerBuilder builder) => new Tensor?[builder.Workers];

    /// <summary>A stored per-worker view, or an error naming the layer if the pass order was broken.</summary>
    protected Tensor Saved(Tensor?[] slots, in BatchPass pass, string what)
        => slots[pass.Worker] ?? throw new InvalidOperationException($"{Describe()}: no {what} saved for worker {pass.Worker}; run Forward/Backward first.");
}
