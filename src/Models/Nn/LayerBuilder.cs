using DpSynth.Kernels;

namespace DpSynth.Models.Nn;

/// <summary>
/// What a layer is given when its network is built: the backend, the parameter set to declare
/// parameters in, the batch capacity to size workspaces for, and the worker count for per-worker
/// scratch. Every tensor a layer allocates goes through here, so the network can free them all and
/// report its workspace size.
/// </summary>
public sealed class LayerBuilder
{
    private readonly List<TensorStorage> _owned;

    internal LayerBuilder(IComputeBackend backend, ParameterSet parameters, int maxRows, int workers, List<TensorStorage> owned, bool training = true)
    {
        Training = training;
        Backend = backend;
        Parameters = parameters;
        MaxRows = maxRows;
        Workers = workers;
        _owned = owned;
    }

    /// <summary>The backend that owns every tensor of the network.</summary>
    public IComputeBackend Backend { get; }

    /// <summary>Where layers declare their parameters.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Largest number of rows in one batch (all workers together).</summary>
    public int MaxRows { get; }

    /// <summary>Number of workers that run passes concurrently on disjoint rows.</summary>
    public int Workers { get; }

    /// <summary>
    /// False for a network that only predicts (a sampler): the workspaces only a backward pass uses
    /// (<see cref="AllocateGradientRows"/>) then hold no rows, which halves a denoiser's memory.
    /// </summary>
    public bool Training { get; }

    /// <summary>Floats allocated for workspaces so far.</summary>
    public long WorkspaceFloats { get; private set; }

    /// <summary>Allocates a zeroed workspace tensor owned by the network.</summary>
    public Tensor Allocate(int rows, int cols)
    {
        var t = Backend.Allocate(rows, cols);
        _owned.Add(t.Storage);
        WorkspaceFloats += (long)rows * cols;
        return t;
    }

    /// <summary>Floats per batch row allocated through <see cref="AllocateRows"/> so far (the part of the workspace that grows with the batch).</summary>
    public long WorkspaceFloatsPerRow { get; private set; }

    /// <summary>A batch-sized workspace: <see cref="MaxRows"/> × cols.</summary>
    public Tensor AllocateRows(int cols)
    {
        WorkspaceFloatsPerRow += cols;
        return Allocate(MaxRows, cols);
    }

    /// <summary>
    /// A batch-sized workspace that only the backward pass reads or writes (gradients, per-example
    /// products): <see cref="MaxRows"/> × cols when <see cref="Training"/>, else no rows.
    /// </summary>
    public Tensor AllocateGradientRows(int cols) => Training ? AllocateRows(cols) : Allocate(0, cols);

    /// <summary>One rows × cols scratch tensor per worker.</summary>
    public Tensor[] AllocatePerWorker(int rows, int cols)
    {
        var result = new Tensor[Workers];
        for (int w = 0; w < Workers; w++) result[w] = Allocate(rows, cols);
        return result;
    }

    /// <summary>A tensor filled with a constant (e.g. ones for row sums by GEMM).</summary>
    public Tensor Constant(int rows, int cols, float value)
    {
        var t = Allocate(rows, cols);
        Backend.Fill(t, value);
        return t;
    }
}
