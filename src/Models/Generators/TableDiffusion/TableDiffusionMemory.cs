using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Kernels.Reference;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// The memory a TableDiffusion fit needs, worked out from public sizes — the encoded layout, the
/// denoiser it implies, the public (DP or declared) row count — before anything large is allocated,
/// and the chunk of the Poisson batch its buffers hold at once. A fit that cannot fit is then refused
/// in one line with the estimate, instead of running out of memory minutes later.
/// </summary>
public sealed record TableDiffusionMemory
{
    /// <summary>
    /// Bytes the batch buffers (activations, their gradients, the step's inputs and targets) may take at
    /// most. Small on purpose: a Poisson batch runs in chunks at no cost in throughput (each chunk is
    /// still thousands of rows per GEMM, and smaller workspaces stay in cache), and on Adult it is what
    /// keeps a fit within 150 MB on a small machine (256 MB of buffers doubled the fit's peak memory).
    /// </summary>
    public const long BatchBudgetBytes = 32L << 20;

    /// <summary>
    /// The batch-buffer budget on a backend that parallelises inside each op (a GPU: one caller at a
    /// time): every chunk is a round of kernel launches, so a GPU wants few, large chunks, and the
    /// buffers live in device memory rather than the host's.
    /// </summary>
    public const long DeviceBatchBudgetBytes = 256L << 20;

    /// <summary><see cref="DeviceBatchBudgetBytes"/> for a backend that takes one caller at a time, else <see cref="BatchBudgetBytes"/>.</summary>
    public static long BatchBudgetFor(IComputeBackend backend) => backend.MaxConcurrentCallers > 1 ? BatchBudgetBytes : DeviceBatchBudgetBytes;

    /// <summary>Bytes the workers' own gradient vectors may take together at most (at least one worker runs).</summary>
    public const long WorkerGradientBudgetBytes = 256L << 20;

    /// <summary>The process itself (runtime, code, small objects), which no size below accounts for.</summary>
    public const long RuntimeBytes = 128L << 20;

    /// <summary>Floats per encoded row.</summary>
    public required int EncodedWidth { get; init; }

    /// <summary>Trainable floats of the denoiser (alignment gaps included).</summary>
    public required long Parameters { get; init; }

    /// <summary>Bytes of every parameter-sized vector: the values, each worker's gradient, Adam's two moments, and the copies the model is saved from.</summary>
    public required long ParameterBytes { get; init; }

    /// <summary>Workers the batch is split over: each holds a gradient vector, so a wide denoiser gets fewer.</summary>
    public required int Workers { get; init; }

    /// <summary>Examples whose rows the batch buffers hold at once (a larger Poisson batch runs in chunks).</summary>
    public required int ChunkExamples { get; init; }

    /// <summary>Bytes of the batch buffers for <see cref="ChunkExamples"/> examples.</summary>
    public required long BatchBytes { get; init; }

    /// <summary>Bytes of the encoded rows (stored compactly, see <see cref="CompactEncodedTable"/>) and of the table they come from.</summary>
    public required long DataBytes { get; init; }

    /// <summary>All of it, with <see cref="RuntimeBytes"/>.</summary>
    public long TotalBytes => ParameterBytes + BatchBytes + DataBytes + RuntimeBytes;

    /// <summary>Estimates a fit.</summary>
    /// <param name="table">The table (only its column kinds are read).</param>
    /// <param name="encoder">The fitted encoder (its layout is public or DP-released).</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="publicRows">The public row count Ñ (a DP count or declared) — never the exact N, which this estimate must not reveal.</param>
    /// <param name="capacityExamples">Examples the Poisson capacity asks the buffers to hold.</param>
    /// <param name="workers">Workers the machine offers; each holds its own gradient vector, so a wide denoiser gets fewer (see <see cref="Workers"/>).</param>
    /// <param name="batchBudgetBytes">Bytes the batch buffers may take (<see cref="BatchBudgetFor"/>).</param>
    /// <exception cref="FitTooLargeException">The denoiser has more parameters than one vector can hold.</exception>
    public static TableDiffusionMemory Estimate(Table table, TableEncoder encoder, TableDiffusionOptions options, long publicRows, int capacityExamples, int workers,
        long batchBudgetBytes = BatchBudgetBytes)
    {
        int width = encoder.Width, inputWidth = options.InputWidth(width);
        NetworkFootprint? footprint;
        using (var dry = new ReferenceBackend())
            footprint = Network.DeclaredFootprint(dry, TableDiffusionModel.Denoiser(width, options));
        if (footprint is null)
            throw new FitTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"{table.Source}: a TableDiffusion denoiser for {width:N0} encoded columns has more than {ParameterSet.MaxLength:N0} parameters; fit fewer columns (role \"ignore\" in the schema skips one)"));
        int levels = options.LevelsPerRecord == 0 ? options.DiffusionSteps : options.LevelsPerRecord;
        // Per batch row: the network's workspaces, the step's inputs, targets and output gradient on the
        // backend, and their host copies (inputs and targets).
        long floatsPerRow = footprint.WorkspaceFloatsPerRow + 2L * inputWidth + 3L * width + 1;
        long bytesPerExample = 4L * levels * floatsPerRow;
        int chunk = (int)Math.Clamp(batchBudgetBytes / bytesPerExample, 1, Math.Max(1, capacityExamples));
        workers = (int)Math.Clamp(WorkerGradientBudgetBytes / (4L * footprint.ParameterLength), 1, Math.Max(1, workers));
        // Values, Adam's m and v, a gradient per worker, and the host copy plus the model's array when saving.
        long parameterBytes = 4L * footprint.ParameterLength * (3 + workers + 2);
        // The compact rows are two arrays (a hot position per span, a float per other column) indexed by int.
        long spanned = 0;
        for (int s = 0; s < encoder.SoftmaxSpans.Count; s++) spanned += encoder.SoftmaxSpans.Lengths[s];
        long longest = publicRows * Math.Max(encoder.SoftmaxSpans.Count, width - spanned);
        if (longest > Array.MaxLength)
            throw new FitTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"{table.Source}: about {publicRows:N0} rows of {width:N0} encoded columns exceed what TableDiffusion holds in memory ({Array.MaxLength:N0} values per array); fit fewer rows or fewer columns"));
        long tableBytesPerRow = table.Columns.Sum(c => c is NumericColumn ? 8L : 4L);
        long dataBytes = publicRows * (CompactEncodedTable.BytesPerRow(encoder.SoftmaxSpans, width) + tableBytesPerRow);
        return new TableDiffusionMemory
        {
            EncodedWidth = width,
            Parameters = footprint.ParameterLength,
            Workers = workers,
            ParameterBytes = parameterBytes,
            ChunkExamples = chunk,
            BatchBytes = chunk * bytesPerExample + 4L * footprint.OtherWorkspaceFloats * workers,
            DataBytes = dataBytes,
        };
    }

    /// <summary>Memory the runtime may use on this machine (the container's limit where there is one).</summary>
    public static long AvailableBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Refuses, in one line naming the estimate and what to change, a fit that needs more than <paramref name="availableBytes"/>.</summary>
    /// <exception cref="FitTooLargeException">The estimate exceeds the memory available.</exception>
    public void EnsureFits(long availableBytes, string source)
    {
        if (TotalBytes <= availableBytes) return;
        string hint = DataBytes > ParameterBytes
            ? "fit fewer rows or fewer columns (role \"ignore\" in the schema skips a column)"
            : "fit fewer columns, or categorical columns with fewer categories (role \"ignore\" in the schema skips a column)";
        throw new FitTooLargeException(string.Create(CultureInfo.InvariantCulture,
            $"{source}: this TableDiffusion fit needs about {Size(TotalBytes)} (denoiser {Size(ParameterBytes)} for {Parameters:N0} parameters over {EncodedWidth:N0} encoded columns, batch buffers {Size(BatchBytes)}, table and encoded rows {Size(DataBytes)}) but {Size(availableBytes)} of memory is available; {hint}"));
    }

    /// <summary>Bytes in MB or GB, for messages.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MB";
}
