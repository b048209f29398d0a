using DpSynth.Models.Generators.Dpvi;

namespace DpSynth.Models.Twins.Study;

/// <summary>
/// Twins from the DPVI generator of Prediger, Jälkö, Honkela &amp; Kaski (2023), the paper's
/// method: one DP fit per party with the whole budget (a mixture model of the covariates with a
/// Poisson or logistic regression of the study's outcome on them, mean-field Gaussian posterior by
/// DP-SGD), then M copies of the party's row count, each from its own posterior draw θ⁽ᵐ⁾ ~ q (as
/// <c>dpsynth twins release</c> does), so between-copy variation carries the posterior's
/// parameter uncertainty (<see cref="CopiesFromOneModel"/> is false). Runs on the host CPU.
/// </summary>
/// <param name="options">Hyper-parameters; <see cref="DpviOptions.Default"/> when null.</param>
public sealed class DpviTwinGenerator(DpviOptions? options = null) : ITwinGenerator
{
    /// <summary>The hyper-parameters used.</summary>
    public DpviOptions Options { get; } = options ?? DpviOptions.Default;

    /// <inheritdoc />
    public string Name => DpviModel.Kind;

    /// <inheritdoc />
    public bool CopiesFromOneModel => false;

    /// <inheritdoc />
    public TwinRelease Release(TwinReleaseRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fitRequest = new DpviFitRequest
        {
            Epsilon = request.Epsilon,
            Delta = request.Delta,
            Outcome = request.Outcome,
            Family = request.Family == GlmFamily.Poisson ? DpviOutcomeFamily.Poisson : DpviOutcomeFamily.Logistic,
            Options = Options,
            Seed = request.Seed,
            SchemaFile = $"schema of {request.Party}",
        };
        var model = DpviFitter.Fit(request.Training, request.Schema, fitRequest, null, cancellation);
        int n = request.Training.RowCount;
        var copies = new Tabular.Table[request.Copies];
        for (int m = 0; m < copies.Length; m++)
        {
            cancellation.ThrowIfCancellationRequested();
            // Copy m: its own posterior draw, then n rows (deterministic given the seed; fresh CSPRNG keys without one).
            copies[m] = model.SampleCopy(n, m, request.Seed);
        }
        return new TwinRelease(copies, (double)model.Training["total_epsilon"]!);
    }
}
