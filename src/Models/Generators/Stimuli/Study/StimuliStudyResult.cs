namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>One teacher of the study and the stimuli searched from it.</summary>
/// <param name="Name">"non-DP", "non-DP, inhibited (λ = 1)", "DP ε = 1", …</param>
/// <param name="Epsilon">ε the ledger composed (+∞ without DP).</param>
/// <param name="InhibitIdentity">λ of the search.</param>
/// <param name="Metrics">The teacher on the real test windows.</param>
/// <param name="MembershipAuc">Confidence-attack AUC against the teacher.</param>
/// <param name="Search">How the stimulus search went.</param>
/// <param name="StimulusReidentification">The attacker's ID classifier on the stimuli.</param>
public sealed record StudyTeacherRow(string Name, double Epsilon, double InhibitIdentity, ClassificationMetrics Metrics, double MembershipAuc,
    StimulusSearchSummary Search, Reidentification StimulusReidentification);

/// <summary>One student.</summary>
/// <param name="Teacher">The teacher row's name whose stimuli it learnt from.</param>
/// <param name="Shape">Its architecture.</param>
/// <param name="Stimuli">Stimuli it was trained on.</param>
/// <param name="Metrics">The student on the real test windows.</param>
/// <param name="MembershipAuc">Confidence-attack AUC against the student (members: the teacher's training windows).</param>
public sealed record StudyStudentRow(string Teacher, ClassifierShape Shape, int Stimuli, ClassificationMetrics Metrics, double MembershipAuc);

/// <summary>Wall-clock seconds of the study's parts.</summary>
public sealed record StudyTimings(double Simulate, double Teachers, double Search, double Students, double Total);

/// <summary>Everything <see cref="StimuliStudy"/> measured.</summary>
public sealed record StimuliStudyResult(
    StimuliStudyOptions Options,
    int TrainWindows,
    int TestWindows,
    double EventShare,
    Reidentification RealReidentification,
    IReadOnlyList<StudyTeacherRow> Teachers,
    IReadOnlyList<StudyStudentRow> Students,
    StudyTimings Timings)
{
    /// <summary>The largest count's student of <paramref name="shape"/> for teacher <paramref name="teacher"/>, if any.</summary>
    public StudyStudentRow? Student(string teacher, ClassifierShape shape) =>
        Students.Where(s => s.Teacher == teacher && s.Shape == shape).MaxBy(s => s.Stimuli);
}
