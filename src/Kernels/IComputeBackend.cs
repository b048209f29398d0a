using DpSynth.Kernels.Random;

namespace DpSynth.Kernels;

/// <summary>
/// The op set every compute backend implements. Tensors passed to an op must be owned by the same
/// backend. Ops validate shapes and throw <see cref="ArgumentException"/> naming the shapes; they do
/// not allocate. Unless stated, inputs and outputs may not alias.
/// Ops are single-threaded on the CPU backends; split a minibatch across cores with
/// <see cref="RowPartition"/> (one dispatch per step, not per op).
/// </summary>
public interface IComputeBackend : IDisposable
{
    /// <summary>Short name: "simd", "reference", "ilgpu-cpu", "cuda", …</summary>
    string Name { get; }

    /// <summary>
    /// How many threads may issue ops at once. The CPU backends take any number (each op runs on its
    /// caller's thread); a GPU backend queues every op on one stream and caches device buffers, so
    /// callers that split a batch over workers must use one worker there.
    /// </summary>
    int MaxConcurrentCallers => int.MaxValue;

    // ---- memory -------------------------------------------------------------------------

    /// <summary>Allocates zeroed storage for a rows × cols tensor.</summary>
    Tensor Allocate(int rows, int cols);

    /// <summary>Copies host data into a tensor (src.Length must equal dst.Length).</summary>
    void Upload(ReadOnlySpan<float> src, Tensor dst);

    /// <summary>Copies a tensor to host memory (dst.Length must equal src.Length).</summary>
    void Download(Tensor src, Span<float> dst);

    /// <summary>dst = src (same length; shapes may differ).</summary>
    void Copy(Tensor src, Tensor dst);

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    void Fill(Tensor x, float value);

    /// <summary>Waits until queued work has finished (no-op on CPU backends).</summary>
    void Synchronize();

    // ---- linear algebra -------------------------------------------------------------------

    /// <summary>
    /// C = act(α·op(A)·op(B) + β·C + bias), op(X) = X or Xᵀ. With β = 0, C's old contents are
    /// ignored (NaNs included). op(A) is M×K, op(B) is K×N, C is M×N, bias is 1×N.
    /// </summary>
    void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha = 1f, float beta = 0f, GemmEpilogue epilogue = default);

    /// <summary>x[i, :] += bias for every row i (bias is 1×cols).</summary>
    void AddBias(Tensor x, Tensor bias);

    /// <summary>dbias = β·dbias + Σ_i dy[i, :] (dbias is 1×cols).</summary>
    void BiasGradient(Tensor dy, Tensor dbias, float beta = 0f);

    /// <summary>y += α·x (same length).</summary>
    void Axpy(float alpha, Tensor x, Tensor y);

    /// <summary>x *= α in place.</summary>
    void Scale(Tensor x, float alpha);

    /// <summary>z = x ⊙ y element-wise (z may alias x or y).</summary>
    void Multiply(Tensor x, Tensor y, Tensor z);

    /// <summary>
    /// For every row, copies <paramref name="count"/> columns of src starting at srcColumn into dst
    /// starting at dstColumn (same row count). Used for concatenation along features.
    /// </summary>
    void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count);

    // ---- activations ------------------------------------------------------------------------

    /// <summary>y = f(x); y may alias x.</summary>
    void ActivationForward(Activation f, Tensor x, Tensor y, float parameter = 0.01f);

    /// <summary>
    /// dx = f'(x) ⊙ dy, given the pre-activation x and the output y = f(x) (some derivatives are
    /// cheaper from y). dx may alias dy.
    /// </summary>
    void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter = 0.01f);

    // ---- softmax and losses ---------------------------------------------------------------

    /// <summary>
    /// Within each span of each row, y = softmax(x) (or log-softmax). Columns outside the spans are
    /// copied unchanged. y may alias x.
    /// </summary>
    void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false);

    /// <summary>
    /// Backward of <see cref="Softmax"/> given its output y: within spans
    /// dx = y ⊙ (dy − Σ_span dy⊙y) (softmax) or dx = dy − e^y·Σ_span dy (log-softmax);
    /// outside spans dx = dy. dx may alias dy.
    /// </summary>
    void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false);

    /// <summary>
    /// Mean squared error. rowLoss[i] = Σ_j w_j·(p_ij − t_ij)² / cols (w_j = 1 without weights);
    /// dPred = gradScale · 2·w_j·(p − t) / cols. Returns Σ_i rowLoss[i] / rows.
    /// rowLoss (rows×1) and columnWeights (1×cols) are optional.
    /// </summary>
    float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss = null, Tensor? columnWeights = null, float gradScale = 1f);

    /// <summary>
    /// Softmax cross-entropy over spans; target holds a probability vector (e.g. one-hot) in each span.
    /// rowLoss[i] += Σ_spans −Σ_j t_ij·log softmax(x)_ij; dLogits += gradScale·(softmax(x) − t) in
    /// span columns (other columns untouched). Accumulates so it can follow <see cref="MseLoss"/> on
    /// mixed heads. Returns Σ_i (this op's row loss) / rows.
    /// </summary>
    float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss = null, float gradScale = 1f);

    // ---- normalisation ------------------------------------------------------------------------

    /// <summary>
    /// Per row: y = (x − μ)·rstd·γ + β with rstd = 1/√(var + eps) (biased variance). Saves μ and rstd
    /// (rows×1) for the backward. GroupNorm with one group over a feature row is the same computation.
    /// </summary>
    void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps = 1e-5f);

    /// <summary>
    /// Backward of <see cref="LayerNormForward"/>: writes dx; dgamma = accumulate·dgamma + Σ_i dy⊙x̂,
    /// dbeta = accumulate·dbeta + Σ_i dy (accumulate is 0 or 1).
    /// </summary>
    void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate = 0f);

    // ---- differential-privacy ops -------------------------------------------------------------

    /// <summary>norms[i] = (accumulate ? norms[i] : 0) + ‖x[i, :]‖² (norms is rows×1).</summary>
    void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate = false);

    /// <summary>
    /// norms[e] (+)= ‖Σ_{t&lt;G} x[e·G + t, :]‖² — the squared norm of each example's summed rows,
    /// e.g. the per-example bias gradient when an example spans G rows. x has n·G rows; norms is n×1.
    /// </summary>
    void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate = false);

    /// <summary>
    /// Per-example squared Frobenius norm of a linear layer's weight gradient Σ_t δ_t·a_tᵀ without
    /// materialising it: Σ_{t,t'} (a_t·a_t')(δ_t·δ_t') over the G rows of each example
    /// (‖a‖²·‖δ‖² when G = 1), plus ‖Σ_t δ_t‖² when includeBias. a is (n·G)×in, delta is (n·G)×out,
    /// norms is n×1.
    /// </summary>
    void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate = false);

    /// <summary>factors[i] = min(1, C / ‖g_i‖) from squared norms (1 when the norm is 0; C = ∞ gives 1).</summary>
    void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors);

    /// <summary>x[r, :] *= factors[r / G] in place (factors has rows/G elements).</summary>
    void ScaleRows(Tensor x, Tensor factors, int groupSize = 1);

    // ---- optimisers -----------------------------------------------------------------------------

    /// <summary>
    /// SGD with momentum and L2 weight decay: g' = g + wd·p; v = μ·v + g'; p −= lr·v
    /// (with μ = 0, velocity may be any tensor of the right length and is left as g').
    /// </summary>
    void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum = 0f, float weightDecay = 0f);

    /// <summary>
    /// Adam (or AdamW when <see cref="AdamParameters.Decoupled"/>) with bias correction at 1-based
    /// <paramref name="step"/>: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
    /// p −= lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε) [ + lr·wd·p for AdamW ].
    /// </summary>
    void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step);

    // ---- noise ----------------------------------------------------------------------------------

    /// <summary>
    /// x[j] += σ·z_{offset + j}, where z is the Gaussian stream of <paramref name="key"/>
    /// (see <see cref="GaussianStream"/>). Identical on every backend, bit for bit.
    /// </summary>
    void AddGaussianNoise(Tensor x, float sigma, NoiseKey key, ulong offset);

    // ---- spectral norm ----------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="iterations"/> power-iteration steps on W (rows×cols) with persistent unit
    /// vectors u (1×rows) and v (1×cols): v = Wᵀu/‖Wᵀu‖, u = Wv/‖Wv‖. Returns σ = uᵀWv.
    /// </summary>
    float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations = 1);
}
