using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// y = act(x·Wᵀ + b) with W stored out×in (row j holds output j's weights).
/// </summary>
/// <remarks>
/// Layout: out×in. The three GEMMs are forward Gemm(x, W, transposeB), input gradient Gemm(δ, W) and
/// weight gradient Gemm(δ, transposeA, x). The packed GEMM transposes operands while packing, which
/// costs O(K·N) against O(M·N·K) work, so the two layouts run at the same speed (one of forward and
/// input-gradient GEMMs packs a transposed B either way); out×in wins on the rest: it is the layout
/// <see cref="IComputeBackend.PowerIteration"/> and the ghost-norm formulas use (u over outputs, v over
/// inputs), and the bias plus activation fuse into the forward GEMM's epilogue.
/// Activations whose derivative follows from the output (ReLU, LeakyReLU with positive slope, Tanh,
/// Sigmoid) are fused; SiLU and GELU keep the pre-activation in a separate workspace.
/// </remarks>
public class Linear : Layer
{
    private readonly Activation _activation;
    private readonly float _activationParameter;
    private Tensor _output = null!, _preActivation = null!, _delta = null!, _inputGradient = null!;
    private Tensor?[] _inputs = [], _deltas = [];
    private IComputeBackend _backend = null!;

    /// <summary>Creates a linear layer.</summary>
    /// <param name="inputs">Input width.</param>
    /// <param name="outputs">Output width.</param>
    /// <param name="activation">Activation applied to the output (fused where possible).</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="activationParameter">LeakyReLU slope.</param>
    public Linear(int inputs, int outputs, Activation activation = Activation.None, bool bias = true, float activationParameter = 0.01f)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentOutOfRangeException(nameof(inputs), $"Linear layer {inputs}→{outputs} needs positive widths.");
        Inputs = inputs;
        Outputs = outputs;
        HasBias = bias;
        _activation = activation;
        _activationParameter = activationParameter;
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Outputs { get; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias { get; }

    /// <summary>The out×in weight matrix.</summary>
    public Parameter Weight { get; private set; } = null!;

    /// <summary>The 1×out bias, or null.</summary>
    public Parameter? Bias { get; private set; }

    /// <inheritdoc />
    public override int InputWidth => Inputs;

    /// <inheritdoc />
    public override int OutputWidth => Outputs;

    /// <summary>True when the activation derivative can be taken from the output alone, so it fuses into the GEMM.</summary>
    private bool Fused => _activation is Activation.None or Activation.ReLU or Activation.Tanh or Activation.Sigmoid
        || (_activation == Activation.LeakyReLU && _activationParameter > 0);

    /// <summary>The scale applied to x·Wᵀ (1 here; 1/σ for spectral normalisation).</summary>
    protected virtual float WeightScale => 1f;

    /// <summary>The backend.</summary>
    protected IComputeBackend Backend => _backend;

    /// <inheritdoc />
    public override string Describe() => $"{Kind} {Inputs}→{Outputs}{(_activation == Activation.None ? "" : " " + _activation.ToString().ToLowerInvariant())}";

    /// <summary>Name used in descriptions.</summary>
    protected virtual string Kind => "linear";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        Weight = builder.Parameters.Add(name + ".weight", Outputs, Inputs);
        if (HasBias) Bias = builder.Parameters.Add(name + ".bias", 1, Outputs);
        _output = builder.AllocateRows(Outputs);
        if (!Fused) _preActivation = builder.AllocateRows(Outputs);
        if (_activation != Activation.None) _delta = builder.AllocateGradientRows(Outputs);
        _inputGradient = builder.AllocateGradientRows(Inputs);
        _inputs = PerWorker(builder);
        _deltas = PerWorker(builder);
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random)
    {
        // PyTorch's default: U(−1/√in, 1/√in) for weights and bias keeps activations O(1) at init.
        float bound = 1f / MathF.Sqrt(Inputs);
        Upload(Weight.Value, random, bound);
        if (Bias is not null) Upload(Bias.Value, random, bound);
    }

    /// <summary>Fills a tensor with U(−bound, bound) drawn on the host.</summary>
    protected void Upload(Tensor t, System.Random random, float bound)
    {
        var host = new float[t.Length];
        for (int i = 0; i < host.Length; i++) host[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        _backend.Upload(host, t);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        var y = pass.Slice(_output);
        _inputs[pass.Worker] = x;
        if (Fused)
        {
            _backend.Gemm(x, false, Weight.Value, true, y, WeightScale, 0f, new GemmEpilogue(Bias?.Value, _activation, _activationParameter));
        }
        else
        {
            var pre = pass.Slice(_preActivation);
            _backend.Gemm(x, false, Weight.Value, true, pre, WeightScale, 0f, new GemmEpilogue(Bias?.Value));
            _backend.ActivationForward(_activation, pre, y, _activationParameter);
        }
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        var delta = dy;
        if (_activation != Activation.None)
        {
            delta = pass.Slice(_delta);
            var y = pass.Slice(_output);
            // For fused activations the derivative is read from y (y > 0 ⇔ x > 0 for the ReLUs).
            _backend.ActivationBackward(_activation, Fused ? y : pass.Slice(_preActivation), y, dy, delta, _activationParameter);
        }
        _deltas[pass.Worker] = delta;
        if (!needInputGradient && !NeedsInputGradientForNorms(pass)) return null;
        var dx = pass.Slice(_inputGradient);
        _backend.Gemm(delta, false, Weight.Value, false, dx, WeightScale);
        return dx;
    }

    /// <summary>Whether the DP hooks need the input gradient even for the first layer.</summary>
    protected virtual bool NeedsInputGradientForNorms(in BatchPass pass) => false;

    /// <summary>This pass's input rows (a), saved by forward.</summary>
    protected Tensor SavedInput(in BatchPass pass) => Saved(_inputs, pass, "input");

    /// <summary>This pass's output gradients (δ, after the activation), saved by backward.</summary>
    protected Tensor SavedDelta(in BatchPass pass) => Saved(_deltas, pass, "output gradient");

    /// <summary>This pass's input gradients (δ·W·scale), computed by backward.</summary>
    protected Tensor SavedInputGradient(in BatchPass pass) => pass.Slice(_inputGradient);

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms)
        // ‖Σ_t δ_t a_tᵀ‖² + ‖Σ_t δ_t‖² per example, from Gram matrices of a and δ (no per-example gradient).
        => _backend.LinearPerExampleSquaredNorms(SavedInput(pass), SavedDelta(pass), pass.GroupSize, HasBias, norms, accumulate: true);

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors)
    {
        var delta = SavedDelta(pass);
        // Scaling δ's rows by the clip factors makes the ordinary weight-gradient GEMM produce Σ_i f_i·g_i.
        if (factors is not null) _backend.ScaleRows(delta, factors, pass.GroupSize);
        var gradient = pass.RequireGradient();
        _backend.Gemm(delta, true, SavedInput(pass), false, Weight.ViewOf(gradient), 1f, 1f);
        if (Bias is not null) _backend.BiasGradient(delta, Bias.ViewOf(gradient), 1f);
    }

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
    {
        int g = pass.GroupSize;
        var delta = SavedDelta(pass).SliceRows(example * g, g);
        _backend.Gemm(delta, true, SavedInput(pass).SliceRows(example * g, g), false, Weight.ViewOf(flat));
        if (Bias is not null) _backend.BiasGradient(delta, Bias.ViewOf(flat));
    }
}
