using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// Layer normalisation over each row's features with a learned affine γ, β: y = x̂·γ + β.
/// </summary>
/// <remarks>
/// Per-example gradients of the affine parameters are Σ_t dy_t⊙x̂_t (γ) and Σ_t dy_t (β) over the
/// example's rows, so in DP modes backward keeps dy and the product dy⊙x̂, and the ghost norm is
/// two grouped-sum squared norms; the clipped sum is a column sum of the rows scaled by clip factors.
/// </remarks>
public class LayerNorm : Layer
{
    private readonly float _eps;
    private IComputeBackend _backend = null!;
    private Tensor _output = null!, _mean = null!, _rstd = null!, _inputGradient = null!;
    private Tensor _scaledProduct = null!, _unitMean = null!, _unitRstd = null!, _ones = null!, _zeros = null!;
    private Tensor[] _discardGamma = [], _discardBeta = [];
    private Tensor?[] _inputs = [], _outputGradients = [];

    /// <summary>Creates a layer norm over <paramref name="width"/> features.</summary>
    /// <param name="width">Number of features.</param>
    /// <param name="eps">Added to the variance.</param>
    public LayerNorm(int width, float eps = 1e-5f)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"A normalisation layer needs a positive width, got {width}.");
        Width = width;
        _eps = eps;
    }

    /// <summary>Number of features.</summary>
    public int Width { get; }

    /// <summary>Scale γ (1×width).</summary>
    public Parameter Gamma { get; private set; } = null!;

    /// <summary>Shift β (1×width).</summary>
    public Parameter Beta { get; private set; } = null!;

    /// <inheritdoc />
    public override int InputWidth => Width;

    /// <inheritdoc />
    public override int OutputWidth => Width;

    /// <summary>Name used in descriptions.</summary>
    protected virtual string Kind => "layernorm";

    /// <inheritdoc />
    public override string Describe() => $"{Kind} {Width}";

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        _backend = builder.Backend;
        Gamma = builder.Parameters.Add(name + ".gamma", 1, Width);
        Beta = builder.Parameters.Add(name + ".beta", 1, Width);
        _output = builder.AllocateRows(Width);
        _mean = builder.AllocateRows(1);
        _rstd = builder.AllocateRows(1);
        _inputGradient = builder.AllocateGradientRows(Width);
        _scaledProduct = builder.AllocateGradientRows(Width);
        _unitMean = builder.AllocateGradientRows(1);
        _unitRstd = builder.AllocateGradientRows(1);
        _ones = builder.Constant(1, Width, 1f);
        _zeros = builder.Constant(1, Width, 0f);
        _discardGamma = builder.AllocatePerWorker(1, Width);
        _discardBeta = builder.AllocatePerWorker(1, Width);
        _inputs = PerWorker(builder);
        _outputGradients = PerWorker(builder);
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random)
    {
        _backend.Fill(Gamma.Value, 1f);
        _backend.Fill(Beta.Value, 0f);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, in BatchPass pass)
    {
        _inputs[pass.Worker] = x;
        var y = pass.Slice(_output);
        _backend.LayerNormForward(x, Gamma.Value, Beta.Value, y, pass.Slice(_mean), pass.Slice(_rstd), _eps);
        return y;
    }

    /// <inheritdoc />
    public override Tensor? Backward(Tensor dy, in BatchPass pass, bool needInputGradient)
    {
        var x = Saved(_inputs, pass, "input");
        var dx = pass.Slice(_inputGradient);
        _outputGradients[pass.Worker] = dy;
        if (pass.Mode == GradientMode.Direct)
        {
            var gradient = pass.RequireGradient();
            _backend.LayerNormBackward(dy, x, Gamma.Value, pass.Slice(_mean), pass.Slice(_rstd), dx, Gamma.ViewOf(gradient), Beta.ViewOf(gradient), 1f);
            return needInputGradient ? dx : null;
        }
        _backend.LayerNormBackward(dy, x, Gamma.Value, pass.Slice(_mean), pass.Slice(_rstd), dx, _discardGamma[pass.Worker], _discardBeta[pass.Worker]);
        // x̂ by a unit-affine forward (no broadcast op needed), then dy⊙x̂: the per-row γ gradient.
        var product = pass.Slice(_scaledProduct);
        _backend.LayerNormForward(x, _ones, _zeros, product, pass.Slice(_unitMean), pass.Slice(_unitRstd), _eps);
        _backend.Multiply(dy, product, product);
        return needInputGradient ? dx : null;
    }

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms)
    {
        _backend.GroupedSumSquaredNorms(pass.Slice(_scaledProduct), pass.GroupSize, norms, accumulate: true);
        _backend.GroupedSumSquaredNorms(Saved(_outputGradients, pass, "output gradient"), pass.GroupSize, norms, accumulate: true);
    }

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors)
    {
        if (pass.Mode == GradientMode.Direct) return; // added in backward, fused with the input gradient
        var product = pass.Slice(_scaledProduct);
        var dy = Saved(_outputGradients, pass, "output gradient");
        if (factors is not null)
        {
            _backend.ScaleRows(product, factors, pass.GroupSize);
            _backend.ScaleRows(dy, factors, pass.GroupSize);
        }
        var gradient = pass.RequireGradient();
        _backend.BiasGradient(product, Gamma.ViewOf(gradient), 1f);
        _backend.BiasGradient(dy, Beta.ViewOf(gradient), 1f);
    }

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
    {
        int g = pass.GroupSize;
        _backend.BiasGradient(pass.Slice(_scaledProduct).SliceRows(example * g, g), Gamma.ViewOf(flat));
        _backend.BiasGradient(Saved(_outputGradients, pass, "output gradient").SliceRows(example * g, g), Beta.ViewOf(flat));
    }
}

/// <summary>
/// Group normalisation with one group over a feature row, with a per-feature affine. For a row of
/// features this is exactly <see cref="LayerNorm"/> (the op set says so); the class exists so that
/// models can say what they mean. More than one group is not supported.
/// </summary>
public sealed class GroupNorm : LayerNorm
{
    /// <summary>Creates a one-group group norm over <paramref name="channels"/> features.</summary>
    /// <param name="channels">Number of features.</param>
    /// <param name="groups">Number of groups; must be 1.</param>
    /// <param name="eps">Added to the variance.</param>
    public GroupNorm(int channels, int groups = 1, float eps = 1e-5f) : base(channels, eps)
    {
        if (groups != 1) throw new NotSupportedException($"GroupNorm supports one group only, got {groups}.");
    }

    /// <inheritdoc />
    protected override string Kind => "groupnorm(1)";
}
