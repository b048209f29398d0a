using System.Text.Json;
using System.Text.Json.Serialization;

namespace DpSynth.Models.Evaluation;

/// <summary>What a synthetic table is worth against the real one: fidelity, utility and privacy. Serialise with <see cref="ToJson"/>.</summary>
/// <param name="Rows">Row counts of the three tables.</param>
/// <param name="Label">The label column of the utility task.</param>
/// <param name="Fidelity">Marginal and correlation distances.</param>
/// <param name="Utility">Train-on-synthetic and train-on-real classifiers, both tested on the real test table.</param>
/// <param name="Privacy">Distance to closest record and exact copies.</param>
/// <param name="ElapsedSeconds">Wall time of the evaluation.</param>
public sealed record EvaluationReport(
    TableSizes Rows, string Label, FidelityReport Fidelity, UtilityReport Utility, DcrReport Privacy, double ElapsedSeconds)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = ModelsJsonContext.Default,
    };

    /// <summary>The report as indented JSON with snake_case names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json.TypeInfo<EvaluationReport>());

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    public static EvaluationReport? FromJson(string json) => JsonSerializer.Deserialize(json, Json.TypeInfo<EvaluationReport>());
}

/// <summary>Row counts.</summary>
/// <param name="Real">Rows of the real (training) table.</param>
/// <param name="Synthetic">Rows of the synthetic table.</param>
/// <param name="Test">Rows of the real test (holdout) table.</param>
public sealed record TableSizes(int Real, int Synthetic, int Test);

/// <summary>How closely the synthetic table's distributions match the real table's.</summary>
/// <param name="OneWayTvdMean">Mean over columns of the total-variation distance of 1-way marginals.</param>
/// <param name="OneWayTvdMax">Largest 1-way TVD.</param>
/// <param name="OneWayBins">Quantile bins per numeric column for 1-way marginals (fewer where quantiles tie).</param>
/// <param name="TwoWayTvdMean">Mean over column pairs of the TVD of 2-way marginals.</param>
/// <param name="TwoWayTvdMax">Largest 2-way TVD.</param>
/// <param name="TwoWayBins">Quantile bins per numeric column for 2-way marginals.</param>
/// <param name="WorstOneWay">The columns with the largest 1-way TVD, worst first.</param>
/// <param name="WorstTwoWay">The column pairs with the largest 2-way TVD, worst first.</param>
/// <param name="CorrelationDifference">Mean over column pairs of |association(real) − association(synthetic)|.</param>
/// <param name="CorrelationMethod">How associations are measured.</param>
/// <param name="WorstCorrelation">The column pairs with the largest association difference, worst first.</param>
/// <param name="OutOfRange">
/// For every numeric column, the share of the synthetic column's present values outside the real
/// column's [min, max], worst first (values a generator invented beyond the data).
/// </param>
public sealed record FidelityReport(
    double OneWayTvdMean, double OneWayTvdMax, int OneWayBins,
    double TwoWayTvdMean, double TwoWayTvdMax, int TwoWayBins,
    IReadOnlyList<ColumnScore> WorstOneWay, IReadOnlyList<PairScore> WorstTwoWay,
    double CorrelationDifference, string CorrelationMethod, IReadOnlyList<PairScore> WorstCorrelation,
    IReadOnlyList<ColumnScore>? OutOfRange = null);

/// <summary>A score of one column.</summary>
/// <param name="Column">Column name.</param>
/// <param name="Value">The score.</param>
public sealed record ColumnScore(string Column, double Value);

/// <summary>A score of a pair of columns.</summary>
/// <param name="Column1">First column.</param>
/// <param name="Column2">Second column.</param>
/// <param name="Value">The score.</param>
public sealed record PairScore(string Column1, string Column2, double Value);

/// <summary>Downstream utility: a classifier trained on synthetic data versus one trained on real data, both tested on real test data.</summary>
/// <param name="Model">The classifier and its features.</param>
/// <param name="PositiveClass">The label value counted as positive.</param>
/// <param name="Features">Width of the feature matrix (one-hot + standardised + intercept).</param>
/// <param name="TrainOnReal">Trained on the real table (the reference).</param>
/// <param name="TrainOnSynthetic">Trained on the synthetic table.</param>
public sealed record UtilityReport(string Model, string PositiveClass, int Features, ClassifierScore TrainOnReal, ClassifierScore TrainOnSynthetic);

/// <summary>Test-set scores of one classifier.</summary>
/// <param name="Accuracy">Share of test rows classified correctly at probability 0.5.</param>
/// <param name="RocAuc">Exact ROC AUC (Mann–Whitney, ties counted half).</param>
/// <param name="TrainRows">Rows it was trained on.</param>
/// <param name="Iterations">Newton iterations used.</param>
public sealed record ClassifierScore(double Accuracy, double RocAuc, int TrainRows, int Iterations);

/// <summary>Distance to closest record: how near synthetic rows lie to training rows, against the baseline of unseen real rows.</summary>
/// <param name="SyntheticToTrainMedian">Median distance from a synthetic row to its nearest real training row.</param>
/// <param name="HoldoutToTrainMedian">Median distance from a test (holdout) row to its nearest training row — the baseline.</param>
/// <param name="ExactCopyShareSynthetic">Share of all synthetic rows equal in every column to some training row.</param>
/// <param name="ExactCopyShareHoldout">Share of all test rows equal to some training row (natural duplicates).</param>
/// <param name="SyntheticSampleRows">Synthetic rows sampled for the distances.</param>
/// <param name="HoldoutSampleRows">Test rows sampled for the distances.</param>
/// <param name="Method">How distances are computed.</param>
public sealed record DcrReport(
    double SyntheticToTrainMedian, double HoldoutToTrainMedian, double ExactCopyShareSynthetic, double ExactCopyShareHoldout,
    int SyntheticSampleRows, int HoldoutSampleRows, string Method);
