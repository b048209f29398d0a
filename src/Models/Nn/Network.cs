using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// A network built for one backend and a fixed largest batch: it owns every workspace (sized for
/// <see cref="MaxRows"/> rows), the flat parameter vector and one flat gradient buffer per worker,
/// so a training step allocates no buffers — a variable Poisson batch uses leading row ranges.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly List<TensorStorage> _owned = [];
    private readonly Tensor[] _gradients;

    /// <summary>Builds and initialises a network.</summary>
    /// <param name="backend">Backend owning all tensors.</param>
    /// <param name="layers">The layers, applied in order.</param>
    /// <param name="maxRows">Largest number of rows in one batch (all workers together).</param>
    /// <param name="workers">Number of workers that run passes concurrently on disjoint rows.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="training">False for a network that only predicts: no workspace of the backward pass is allocated (see <see cref="LayerBuilder.Training"/>).</param>
    public Network(IComputeBackend backend, IEnumerable<Layer> layers, int maxRows, int workers = 1, int seed = 0, bool training = true)
    {
        if (maxRows <= 0) throw new ArgumentOutOfRangeException(nameof(maxRows), $"A network needs a positive batch capacity, got {maxRows}.");
        if (workers <= 0) throw new ArgumentOutOfRangeException(nameof(workers), $"A network needs at least one worker, got {workers}.");
        Backend = backend;
        Root = new Sequential(layers);
        MaxRows = maxRows;
        workers = Math.Min(workers, backend.MaxConcurrentCallers); // a GPU backend parallelises inside each op
        Workers = workers;
        Training = training;
        var builder = new LayerBuilder(backend, Parameters, maxRows, workers, _owned, training);
        Root.Build(builder, "");
        Parameters.Allocate(backend);
        _gradients = new Tensor[workers];
        for (int w = 0; w < workers; w++)
        {
            _gradients[w] = Parameters.NewFlat();
            _owned.Add(_gradients[w].Storage);
        }
        WorkspaceFloats = builder.WorkspaceFloats;
        Root.Initialise(new System.Random(seed));
    }

    /// <summary>
    /// The length of the flat parameter vector <paramref name="layers"/> declare, found by building them
    /// for one row on <paramref name="backend"/> without allocating the parameters — so that weights read
    /// from a file can be checked against the hyper-parameters before a network of that size exists.
    /// Null when the length does not fit a parameter vector. The layers are spent (a layer is built once).
    /// </summary>
    public static long? DeclaredParameterLength(IComputeBackend backend, IEnumerable<Layer> layers) =>
        DeclaredFootprint(backend, layers)?.ParameterLength;

    /// <summary>
    /// What a network of <paramref name="layers"/> would hold — its parameter vector's length and its
    /// workspace floats per batch row and besides — found by building it for one row and one worker
    /// without allocating the parameters, so that its memory can be estimated before it exists. Null
    /// when the parameters do not fit a parameter vector. The layers are spent (a layer is built once).
    /// </summary>
    public static NetworkFootprint? DeclaredFootprint(IComputeBackend backend, IEnumerable<Layer> layers)
    {
        var owned = new List<TensorStorage>();
        using var parameters = new ParameterSet();
        try
        {
            var builder = new LayerBuilder(backend, parameters, 1, 1, owned);
            new Sequential(layers).Build(builder, "");
            return new NetworkFootprint(parameters.Length, builder.WorkspaceFloatsPerRow, builder.WorkspaceFloats - builder.WorkspaceFloatsPerRow);
        }
        catch (OverflowException) { return null; }
        finally
        {
            foreach (var storage in owned) storage.Dispose();
        }
    }

    /// <summary>The backend owning all tensors.</summary>
    public IComputeBackend Backend { get; }

    /// <summary>The layers as one sequential block.</summary>
    public Sequential Root { get; }

    /// <summary>The trainable parameters.</summary>
    public ParameterSet Parameters { get; } = new();

    /// <summary>Largest number of rows in one pass.</summary>
    public int MaxRows { get; }

    /// <summary>Number of concurrent workers the workspaces are laid out for.</summary>
    public int Workers { get; }

    /// <summary>Input width.</summary>
    public int InputWidth => Root.InputWidth;

    /// <summary>Output width.</summary>
    public int OutputWidth => Root.OutputWidth;

    /// <summary>Floats held in workspaces (activations, gradients, scratch), excluding parameters.</summary>
    public long WorkspaceFloats { get; }

    /// <summary>"108→256 relu → …", for reports.</summary>
    public string Describe() => Root.Describe();

    /// <summary>Worker <paramref name="worker"/>'s flat gradient buffer (P×1), laid out like the parameters.</summary>
    public Tensor WorkerGradient(int worker) => _gradients[worker];

    /// <summary>Non-trainable state a checkpoint must keep (e.g. spectral-norm vectors).</summary>
    public IReadOnlyList<Tensor> State => Root.State.ToArray();

    /// <summary>Serial per-step work (power iteration) before the step's parallel passes.</summary>
    public void PrepareStep(bool training) => Root.PrepareStep(training);

    /// <summary>Forward pass over the pass's rows of <paramref name="input"/> (already sliced to them).</summary>
    public Tensor Forward(Tensor input, in BatchPass pass) => Root.Forward(input, pass);

    /// <summary>Backward pass from the loss gradient w.r.t. the outputs; the input gradient is not formed.</summary>
    public void Backward(Tensor outputGradient, in BatchPass pass) => Root.Backward(outputGradient, EnsureTraining(pass), needInputGradient: false);

    /// <summary>Backward pass that also returns the gradient w.r.t. the network input (for tests and input optimisation).</summary>
    public Tensor BackwardToInput(Tensor outputGradient, in BatchPass pass) => Root.Backward(outputGradient, EnsureTraining(pass), needInputGradient: true)!;

    /// <summary>False when the network was built only to predict.</summary>
    public bool Training { get; }

    private ref readonly BatchPass EnsureTraining(in BatchPass pass)
    {
        if (!Training) throw new InvalidOperationException("This network was built to predict only; it has no workspaces for a backward pass.");
        return ref pass;
    }

    /// <summary>Adds each example's squared gradient norm (all layers) to norms (Examples × 1).</summary>
    public void AddSquaredNorms(in BatchPass pass, Tensor norms) => Root.AddSquaredNorms(pass, norms);

    /// <summary>Adds the (optionally clip-factor weighted) gradient sum to the pass's gradient buffer.</summary>
    public void AccumulateGradients(in BatchPass pass, Tensor? factors) => Root.AccumulateGradients(pass, factors);

    /// <summary>Prepares per-example gradients for the pass (materialised path).</summary>
    public void PreparePerExample(in BatchPass pass) => Root.PreparePerExample(pass);

    /// <summary>Writes example <paramref name="example"/>'s full gradient into flat (P×1).</summary>
    public void WritePerExampleGradient(in BatchPass pass, int example, Tensor flat) => Root.WritePerExampleGradient(pass, example, flat);

    /// <summary>
    /// Inference on up to <see cref="MaxRows"/> rows: returns a view of the output workspace, valid
    /// until the next pass. Derived per-step values (σ of spectral-norm layers) are refreshed first.
    /// </summary>
    public Tensor Predict(Tensor input)
    {
        if (input.Rows > MaxRows) throw new ArgumentException($"Predict: {input.Rows} rows exceed the network's capacity of {MaxRows}; predict in chunks.");
        PrepareStep(training: false);
        return Forward(input, new BatchPass(0, input.Rows, 1, 0, training: false, GradientMode.Direct, null));
    }

    /// <summary>Copies the flat parameter vector to host memory (length <see cref="ParameterSet.Length"/>).</summary>
    public void ReadParameters(Span<float> destination) => Backend.Download(Parameters.Values, destination);

    /// <summary>Overwrites the flat parameter vector from host memory.</summary>
    public void WriteParameters(ReadOnlySpan<float> source) => Backend.Upload(source, Parameters.Values);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _owned) s.Dispose();
        _owned.Clear();
        Parameters.Dispose();
    }
}

/// <summary>The sizes a network declares, before it is built for real (see <see cref="Network.DeclaredFootprint"/>).</summary>
/// <param name="ParameterLength">Floats of the flat parameter vector (alignment gaps included).</param>
/// <param name="WorkspaceFloatsPerRow">Workspace floats per batch row (activations, their gradients).</param>
/// <param name="OtherWorkspaceFloats">Workspace floats that do not grow with the batch, for one worker.</param>
public sealed record NetworkFootprint(long ParameterLength, long WorkspaceFloatsPerRow, long OtherWorkspaceFloats);
