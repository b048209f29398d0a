using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// What the data holder keeps after training: the teacher h_T, optionally the participant-ID
/// classifier h_ID, the input scaling, the sample column names and — for a DP fit — the ledger with
/// both DP-SGD stages. Stimuli generated from it are post-processing of these models.
/// </summary>
/// <param name="Teacher">The task classifier.</param>
/// <param name="Identity">The participant-ID classifier, or null.</param>
/// <param name="Scaling">The fixed input scaling.</param>
/// <param name="ColumnNames">Names of the sample columns.</param>
/// <param name="LabelLevels">The label's values, in class order.</param>
/// <param name="Ledger">The privacy ledger of a DP fit; null when trained without DP.</param>
/// <param name="Records">The training records of the teacher and (if trained) the ID classifier.</param>
public sealed record StimuliTeacher(Classifier Teacher, Classifier? Identity, WindowScaling Scaling, IReadOnlyList<string> ColumnNames,
    IReadOnlyList<string> LabelLevels, PrivacyLedger? Ledger, IReadOnlyList<TrainingRecord> Records)
{
    /// <summary>The model kind written into model files.</summary>
    public const string KindName = "stimuli-teacher";

    /// <summary>Whether the classifiers were trained with DP-SGD (then <see cref="Ledger"/> holds the guarantee).</summary>
    public bool Private => Ledger is not null;

    /// <summary>The plain statement about the guarantee that every output of a stimuli command carries.</summary>
    public string GuaranteeText => Ledger is { } ledger
        ? $"differentially private: the teacher and ID classifier were trained with DP-SGD; the stimuli are post-processing of them and carry their (epsilon {ledger.TotalEpsilon:0.###}, delta {ledger.Budget.Delta:G3})"
        : "NO formal privacy guarantee: the teacher was trained without differential privacy, so the stimuli may reveal information about the training windows";
}
