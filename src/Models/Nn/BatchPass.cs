namespace DpSynth.Models.Nn;

/// <summary>
/// Which rows of the batch one worker handles in one pass, and how. Layers keep workspaces sized for
/// the whole (largest) batch and use rows [<see cref="Start"/>, <see cref="Start"/> + <see cref="Rows"/>)
/// of them, so workers on disjoint row ranges share buffers without locks or copies.
/// </summary>
public readonly struct BatchPass
{
    /// <summary>Creates a pass description.</summary>
    /// <param name="start">First row in the batch-sized workspaces (a multiple of <paramref name="groupSize"/>).</param>
    /// <param name="rows">Number of rows (a multiple of <paramref name="groupSize"/>).</param>
    /// <param name="groupSize">Rows per example: an example spanning G rows is clipped as one.</param>
    /// <param name="worker">Index of the worker (selects per-worker scratch and gradient buffers).</param>
    /// <param name="training">True for training (dropout active, spectral-norm vectors updated).</param>
    /// <param name="mode">How parameter gradients are formed.</param>
    /// <param name="gradient">The worker's flat gradient buffer (P×1) that parameter gradients are added to.</param>
    /// <param name="randomTag">Step-and-chunk tag that seeds dropout masks, so masks never repeat across steps.</param>
    public BatchPass(int start, int rows, int groupSize, int worker, bool training, GradientMode mode, Kernels.Tensor? gradient, long randomTag = 0)
    {
        if (groupSize <= 0 || rows % groupSize != 0 || start % groupSize != 0)
            throw new ArgumentException($"Batch pass rows [{start}, {start + rows}) do not split into examples of {groupSize} rows.");
        Start = start;
        Rows = rows;
        GroupSize = groupSize;
        Worker = worker;
        Training = training;
        Mode = mode;
        Gradient = gradient;
        RandomTag = randomTag;
    }

    /// <summary>First row in the batch-sized workspaces.</summary>
    public int Start { get; }

    /// <summary>Number of rows in this pass.</summary>
    public int Rows { get; }

    /// <summary>Rows per example.</summary>
    public int GroupSize { get; }

    /// <summary>Number of examples (Rows / GroupSize).</summary>
    public int Examples => Rows / GroupSize;

    /// <summary>Index of the first example in batch-sized per-example buffers.</summary>
    public int FirstExample => Start / GroupSize;

    /// <summary>Worker index.</summary>
    public int Worker { get; }

    /// <summary>True when training.</summary>
    public bool Training { get; }

    /// <summary>How parameter gradients are formed.</summary>
    public GradientMode Mode { get; }

    /// <summary>The worker's flat gradient buffer, or null for inference.</summary>
    public Kernels.Tensor? Gradient { get; }

    /// <summary>Seed tag for dropout masks (step and chunk).</summary>
    public long RandomTag { get; }

    /// <summary>This pass's rows of a batch-sized workspace.</summary>
    public Kernels.Tensor Slice(Kernels.Tensor workspace) => workspace.SliceRows(Start, Rows);

    /// <summary>This pass's examples of a batch-sized per-example buffer (one row per example).</summary>
    public Kernels.Tensor ExampleSlice(Kernels.Tensor perExample) => perExample.SliceRows(FirstExample, Examples);

    /// <summary>The gradient buffer; throws when the pass has none.</summary>
    public Kernels.Tensor RequireGradient()
        => Gradient ?? throw new InvalidOperationException("This pass has no gradient buffer; parameter gradients need a training pass.");
}
