using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A linear layer with spectrally normalised weight W̄ = W/σ(W) (Miyato et al. 2018), σ estimated
/// by one power-iteration step per training step with persistent unit vectors u (outputs) and v
/// (inputs). Used to bound a network's Lipschitz constant (Lipschitz-constrained VAEs).
/// </summary>
/// <remarks>
/// The derivation (u, v held constant within a step, as in the reference implementation):
/// σ = uᵀWv, so ∂σ/∂W = u·vᵀ. With G = ∂L/∂W̄ = Σ_t δ_t·a_tᵀ,
/// ∂L/∂W = G/σ − (⟨G, W⟩/σ²)·u·vᵀ = (G − ⟨G, W̄⟩·u·vᵀ)/σ.
/// The per-example gradient is (G_i − c_i·u·vᵀ)/σ with c_i = ⟨G_i, W̄⟩ = Σ_t δ_tᵀ·W̄·a_t = Σ_t dx_t·a_t
/// (dx = δ·W̄ is the input gradient the backward pass computes anyway), and with ‖u·vᵀ‖ = 1
/// its squared norm is (‖G_i‖² − 2·c_i·d_i + c_i²)/σ², d_i = ⟨G_i, u·vᵀ⟩ = Σ_t (u·δ_t)(v·a_t).
/// Everything needs only per-row dot products of δ, a, dx, u and v. The bias is not normalised.
/// </remarks>
public sealed class SpectralNormLinear : Linear
{
    private Tensor _u = null!, _v = null!;
    private Tensor _rowScratch = null!, _rowDot = null!, _uDelta = null!, _vInput = null!, _onesIn = null!, _onesGroup = null!;
    private Tensor _c = null!, _d = null!, _t1 = null!, _t2 = null!, _frobenius = null!;
    private Tensor[] _weightScratch = [], _productScratch = [], _columnSums = [], _scalar = [];
    private float[] _hostC = [];
    private float[][] _hostScalar = [];
    private float _sigma = 1f;

    /// <summary>Creates a spectrally normalised linear layer.</summary>
    /// <param name="inputs">Input width.</param>
    /// <param name="outputs">Output width.</param>
    /// <param name="activation">Activation applied to the output.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="activationParameter">LeakyReLU slope.</param>
    /// <param name="powerIterations">
    /// Power-iteration steps per training step: 1 (Miyato et al.) tracks slowly moving weights; more
    /// keep σ̂ = uᵀWv, which never exceeds σ(W), closer to it when the weights move fast.
    /// </param>
    public SpectralNormLinear(int inputs, int outputs, Activation activation = Activation.None, bool bias = true, float activationParameter = 0.01f,
        int powerIterations = 1)
        : base(inputs, outputs, activation, bias, activationParameter)
    {
        if (powerIterations < 1) throw new ArgumentOutOfRangeException(nameof(powerIterations), $"Spectral normalisation needs at least one power iteration per step, got {powerIterations}.");
        PowerIterations = powerIterations;
    }

    /// <summary>Power-iteration steps per training step.</summary>
    public int PowerIterations { get; }

    /// <summary>The current estimate of σ(W) used by forward and backward.</summary>
    public float Sigma => _sigma;

    /// <inheritdoc />
    protected override float WeightScale => 1f / _sigma;

    /// <inheritdoc />
    protected override string Kind => "spectral-norm linear";

    /// <inheritdoc />
    protected internal override IEnumerable<Tensor> State => [_u, _v];

    /// <inheritdoc />
    protected internal override void Build(LayerBuilder builder, string name)
    {
        base.Build(builder, name);
        _u = builder.Constant(1, Outputs, 1f / MathF.Sqrt(Outputs));
        _v = builder.Constant(1, Inputs, 1f / MathF.Sqrt(Inputs));
        _rowScratch = builder.AllocateRows(Inputs);
        _rowDot = builder.AllocateRows(1);
        _uDelta = builder.AllocateRows(1);
        _vInput = builder.AllocateRows(1);
        _c = builder.AllocateRows(1);
        _d = builder.AllocateRows(1);
        _t1 = builder.AllocateRows(1);
        _t2 = builder.AllocateRows(1);
        _frobenius = builder.AllocateRows(1);
        _onesIn = builder.Constant(1, Inputs, 1f);
        _onesGroup = builder.Constant(builder.MaxRows, 1, 1f);
        _weightScratch = builder.AllocatePerWorker(Outputs, Inputs);
        _productScratch = builder.AllocatePerWorker(Outputs, Inputs);
        _columnSums = builder.AllocatePerWorker(1, Inputs);
        _scalar = builder.AllocatePerWorker(1, 1);
        _hostC = new float[builder.MaxRows];
        _hostScalar = new float[builder.Workers][];
        for (int w = 0; w < builder.Workers; w++) _hostScalar[w] = new float[1];
    }

    /// <inheritdoc />
    protected internal override void Initialise(System.Random random)
    {
        base.Initialise(random);
        // Random start vectors: a uniform vector can be orthogonal to the top singular pair.
        Upload(_u, random, 1f);
        Upload(_v, random, 1f);
        Backend.PowerIteration(Weight.Value, _u, _v, 5);
        _sigma = Backend.PowerIteration(Weight.Value, _u, _v, 0);
    }

    /// <inheritdoc />
    protected internal override void PrepareStep(bool training)
    {
        float sigma = Backend.PowerIteration(Weight.Value, _u, _v, training ? PowerIterations : 0);
        _sigma = sigma > 0 ? sigma : 1f; // W = 0: nothing to normalise
    }

    /// <inheritdoc />
    protected override bool NeedsInputGradientForNorms(in BatchPass pass) => pass.Mode != GradientMode.Direct;

    /// <summary>c_i = Σ_t dx_t·a_t and, when wanted, d_i = Σ_t (u·δ_t)(v·a_t) for the pass's examples.</summary>
    private (Tensor C, Tensor D) ExampleProjections(in BatchPass pass, bool withD)
    {
        var a = SavedInput(pass);
        var delta = SavedDelta(pass);
        int g = pass.GroupSize, n = pass.Examples;
        var onesGroup = _onesGroup.SliceRows(0, g).Reshape(1, g);
        var product = pass.Slice(_rowScratch);
        var rowDot = pass.Slice(_rowDot);
        Backend.Multiply(SavedInputGradient(pass), a, product);
        Backend.Gemm(product, false, _onesIn, true, rowDot);
        var c = pass.ExampleSlice(_c);
        Backend.Gemm(rowDot.Reshape(n, g), false, onesGroup, true, c);
        var d = pass.ExampleSlice(_d);
        if (withD)
        {
            var uDelta = pass.Slice(_uDelta);
            var vInput = pass.Slice(_vInput);
            Backend.Gemm(delta, false, _u, true, uDelta);
            Backend.Gemm(a, false, _v, true, vInput);
            Backend.Multiply(uDelta, vInput, uDelta);
            Backend.Gemm(uDelta.Reshape(n, g), false, onesGroup, true, d);
        }
        return (c, d);
    }

    /// <inheritdoc />
    protected internal override void AddSquaredNorms(in BatchPass pass, Tensor norms)
    {
        var (c, d) = ExampleProjections(pass, withD: true);
        var frobenius = pass.ExampleSlice(_frobenius);
        Backend.LinearPerExampleSquaredNorms(SavedInput(pass), SavedDelta(pass), pass.GroupSize, false, frobenius);
        var t1 = pass.ExampleSlice(_t1);
        var t2 = pass.ExampleSlice(_t2);
        Backend.Multiply(c, c, t1);
        Backend.Multiply(c, d, t2);
        Backend.Axpy(-2f, t2, t1);
        Backend.Axpy(1f, t1, frobenius);
        Backend.Axpy(1f / (_sigma * _sigma), frobenius, norms);
        if (Bias is not null) Backend.GroupedSumSquaredNorms(SavedDelta(pass), pass.GroupSize, norms, accumulate: true);
    }

    /// <inheritdoc />
    protected internal override void AccumulateGradients(in BatchPass pass, Tensor? factors)
    {
        var delta = SavedDelta(pass);
        if (factors is not null) Backend.ScaleRows(delta, factors, pass.GroupSize);
        // The correction is linear in G, so the clipped sum is (G_f − ⟨G_f, W̄⟩·u·vᵀ)/σ with G_f = Σ f_i·G_i.
        var s = _weightScratch[pass.Worker];
        Backend.Gemm(delta, true, SavedInput(pass), false, s, WeightScale);
        float c = Dot(s, Weight.Value, pass.Worker) / _sigma; // ⟨G_f/σ, W̄⟩
        var gradient = pass.RequireGradient();
        var gradW = Weight.ViewOf(gradient);
        Backend.Axpy(1f, s, gradW);
        Backend.Gemm(_u.Reshape(Outputs, 1), false, _v, false, gradW, -c, 1f);
        if (Bias is not null) Backend.BiasGradient(delta, Bias.ViewOf(gradient), 1f);
    }

    /// <summary>⟨x, y⟩ over two out×in matrices with backend ops (no host loop, so any backend works).</summary>
    private float Dot(Tensor x, Tensor y, int worker)
    {
        var product = _productScratch[worker];
        Backend.Multiply(x, y, product);
        Backend.BiasGradient(product, _columnSums[worker]);
        Backend.BiasGradient(_columnSums[worker].Reshape(Inputs, 1), _scalar[worker]);
        Backend.Download(_scalar[worker], _hostScalar[worker]);
        return _hostScalar[worker][0];
    }

    /// <inheritdoc />
    protected internal override void PreparePerExample(in BatchPass pass)
    {
        var (c, _) = ExampleProjections(pass, withD: false);
        Backend.Download(c, _hostC.AsSpan(pass.FirstExample, pass.Examples));
    }

    /// <inheritdoc />
    protected internal override void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat)
    {
        int g = pass.GroupSize;
        var delta = SavedDelta(pass).SliceRows(example * g, g);
        var gradW = Weight.ViewOf(flat);
        Backend.Gemm(delta, true, SavedInput(pass).SliceRows(example * g, g), false, gradW, WeightScale);
        float c = _hostC[pass.FirstExample + example];
        Backend.Gemm(_u.Reshape(Outputs, 1), false, _v, false, gradW, -c / _sigma, 1f);
        if (Bias is not null) Backend.BiasGradient(delta, Bias.ViewOf(flat));
    }
}
