using DpSynth.Kernels;
using DpSynth.Models.Generators.TableDiffusion;

namespace DpSynth.Models.Twins.Study;

/// <summary>
/// Twins from TableDiffusion (Truda 2023): one DP fit per party with the whole budget, then M
/// copies of the party's row count drawn from that single model as disjoint shards of one sampling
/// stream (as <c>dpsynth twins release</c> does). Its copies share one model, so pooled intervals
/// understate the generator's uncertainty (<see cref="CopiesFromOneModel"/> is true).
/// </summary>
/// <param name="backend">Compute backend for training and sampling (not disposed here).</param>
/// <param name="options">Hyper-parameters; <see cref="TableDiffusionOptions.Default"/> when null.</param>
public sealed class TableDiffusionTwinGenerator(IComputeBackend backend, TableDiffusionOptions? options = null) : ITwinGenerator
{
    /// <summary>The hyper-parameters used.</summary>
    public TableDiffusionOptions Options { get; } = options ?? TableDiffusionOptions.Default;

    /// <inheritdoc />
    public string Name => TableDiffusionModel.Kind;

    /// <inheritdoc />
    public bool CopiesFromOneModel => true;

    /// <inheritdoc />
    public TwinRelease Release(TwinReleaseRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fitRequest = new TableDiffusionFitRequest
        {
            Epsilon = request.Epsilon,
            Delta = request.Delta,
            Options = Options,
            Seed = request.Seed,
            SchemaFile = $"schema of {request.Party}",
        };
        var model = TableDiffusionFitter.Fit(request.Training, request.Schema, fitRequest, backend, null, cancellation);
        long n = request.Training.RowCount;
        int m = request.Copies;
        var copies = new Tabular.Table[m];
        for (int i = 0; i < m; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var shard = new SampleRequest(n * m, request.Seed, i, m);
            copies[i] = TableRows.Concat(model.Sample(backend, shard), $"{request.Party} twin {i + 1}");
        }
        return new TwinRelease(copies, (double)model.Training["total_epsilon"]!);
    }
}
