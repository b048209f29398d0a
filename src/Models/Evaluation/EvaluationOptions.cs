using DpSynth.Kernels;

namespace DpSynth.Models.Evaluation;

/// <summary>Settings of <see cref="SyntheticDataEvaluator"/>.</summary>
/// <param name="OneWayBins">Real-data quantile bins per numeric column for 1-way marginals.</param>
/// <param name="TwoWayBins">Real-data quantile bins per numeric column for 2-way marginals and associations.</param>
/// <param name="DcrSampleRows">At most this many synthetic and test rows are sampled for distance to closest record.</param>
/// <param name="L2">L2 penalty λ of the logistic regression (objective: Σ log-loss + λ/2·‖w‖², intercept unpenalised).</param>
/// <param name="PositiveLabel">The label value counted as positive; null picks the least frequent value in the real table.</param>
/// <param name="WorstCount">How many worst columns and pairs to list.</param>
/// <param name="Seed">Seed of the DCR row samples.</param>
public sealed record EvaluationOptions(
    int OneWayBins = 20, int TwoWayBins = 10, int DcrSampleRows = 2000, double L2 = 1.0,
    string? PositiveLabel = null, int WorstCount = 5, ulong Seed = 0)
{
    /// <summary>The backend for GEMMs; null creates (and disposes) a SIMD backend. Evaluation works on host data, so a CPU backend is the natural choice.</summary>
    public IComputeBackend? Backend { get; init; }
}

/// <summary>The tables cannot be evaluated together (absent label, mismatched columns); the message is one line.</summary>
public sealed class EvaluationInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public EvaluationInputException(string message) : base(message) { }
}
