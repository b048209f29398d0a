namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>One teacher of the study and the stimuli searched from it.</summary>
/// <param name="Name">"non-DP", "non-DP, inhibited (λ = 1)", "DP ε = 1", …</param>
/// <param name="Epsilon">ε the ledger composed (+∞ without DP).</param>
/// <param name="InhibitIdentity">λ of the search.</param>
/// <param name="Metrics">The teacher on the real test windows.</param>
/// <param name="MembershipAuc">Confidence-attack AUC against the teacher.</param>
/// <param name="Search">How the stimulus search went.</param>
/// <param name="StimulusReidentification">The attacker's attribution confidence on the stimuli (mean largest posterior; read it against <see cref="StimuliStudyResult.NoiseReidentification"/>, not as re-identification).</param>
/// <param name="InhibitorReidentification">The data holder's ID classifier (the one the inhibition term reads) on the stimuli; null when none was trained.</param>
public sealed record StudyTeacherRow(string Name, double Epsilon, double InhibitIdentity, ClassificationMetrics Metrics, double MembershipAuc,
    StimulusSearchSummary Search, Reidentification StimulusReidentification, Reidentification? InhibitorReidentification);

/// <summary>One student.</summary>
/// <param name="Teacher">The teacher row's name whose stimuli it learnt from.</param>
/// <param name="Shape">Its architecture.</param>
/// <param name="Stimuli">Stimuli it was trained on.</param>
/// <param name="Metrics">The student on the real test windows.</param>
/// <param name="MembershipAuc">Confidence-attack AUC against the student (members: the teacher's training windows).</param>
public sealed record StudyStudentRow(string Teacher, ClassifierShape Shape, int Stimuli, ClassificationMetrics Metrics, double MembershipAuc);

/// <summary>Wall-clock seconds of the study's parts (<paramref name="Linkage"/>: the extra member splits).</summary>
public sealed record StudyTimings(double Simulate, double Teachers, double Search, double Students, double Linkage, double Total);

/// <summary>Subject-level linkage on one member split.</summary>
/// <param name="Members">The member candidates (the data holder's subjects).</param>
/// <param name="Stimuli">The first stimuli of the non-DP teacher's search; null when none was accepted.</param>
/// <param name="Inhibited">The same with identity inhibition; null without an inhibited run.</param>
/// <param name="Excited">Positive control: stimuli searched with identity excitation (made to carry identity); null without that run.</param>
/// <param name="Noise">Control: content-free Gaussian noise in the split's generator range (≈ 1× when the measure is unbiased).</param>
/// <param name="BlendedMemberWindows">Graded positive control: members' training windows averaged half and half with the noise rows (identity diluted inside the generators' range).</param>
/// <param name="MemberWindows">Positive control: the members' real training windows (the teacher's data).</param>
/// <param name="NonMemberWindows">Negative control: the non-members' real training windows.</param>
public sealed record LinkageSplit(IReadOnlyList<int> Members, MemberLinkage? Stimuli, MemberLinkage? Inhibited, MemberLinkage? Excited, MemberLinkage Noise,
    MemberLinkage BlendedMemberWindows, MemberLinkage MemberWindows, MemberLinkage NonMemberWindows);

/// <summary>The re-identification study: linkage of stimuli to the data holder's subjects, averaged over member splits.</summary>
/// <param name="Members">S_in: the data holder's subjects per split.</param>
/// <param name="NonMembers">S_out: subjects only the attacker has recordings of.</param>
/// <param name="MemberShare">S_in / (S_in + S_out): the chance rate; the ratios' maximum is its inverse.</param>
/// <param name="StimuliPerSplit">Stimuli searched (or taken from the main search) per split.</param>
/// <param name="Splits">Every split's figures.</param>
/// <param name="Stimuli">Mean over splits: stimuli without inhibition.</param>
/// <param name="Inhibited">Mean over splits: stimuli with inhibition (null without an inhibited run).</param>
/// <param name="Excited">Mean over splits: the excited stimuli (positive control; null without that run).</param>
/// <param name="Noise">Mean over splits: the noise control.</param>
/// <param name="BlendedMemberWindows">Mean over splits: the graded positive control.</param>
/// <param name="MemberWindows">Mean over splits: the positive control.</param>
/// <param name="NonMemberWindows">Mean over splits: the negative control.</param>
public sealed record StudyLinkage(int Members, int NonMembers, double MemberShare, int StimuliPerSplit, IReadOnlyList<LinkageSplit> Splits,
    LinkageMean? Stimuli, LinkageMean? Inhibited, LinkageMean? Excited, LinkageMean Noise, LinkageMean BlendedMemberWindows, LinkageMean MemberWindows, LinkageMean NonMemberWindows);

/// <summary>Everything <see cref="StimuliStudy"/> measured.</summary>
/// <remarks>
/// <see cref="RealReidentification"/> is the attacker's top-1 on held-out real windows of all
/// S_in + S_out candidates (chance 1/(S_in + S_out)). <see cref="Linkage"/> is the re-identification
/// measure of stimuli. <see cref="NoiseReidentification"/> is the attacker on content-free inputs — independent Gaussian noise
/// around the non-DP generators' centre with their spread, never shown to the teacher — the floor that
/// the attacker's mean largest posterior on any input from that range reaches without identity in it:
/// the old attribution-confidence figure, kept to show why it is no re-identification measure.
/// </remarks>
public sealed record StimuliStudyResult(
    StimuliStudyOptions Options,
    int TrainWindows,
    int TestWindows,
    double EventShare,
    Reidentification RealReidentification,
    Reidentification NoiseReidentification,
    StudyLinkage Linkage,
    IReadOnlyList<StudyTeacherRow> Teachers,
    IReadOnlyList<StudyStudentRow> Students,
    StudyTimings Timings)
{
    /// <summary>The largest count's student of <paramref name="shape"/> for teacher <paramref name="teacher"/>, if any.</summary>
    public StudyStudentRow? Student(string teacher, ClassifierShape shape) =>
        Students.Where(s => s.Teacher == teacher && s.Shape == shape).MaxBy(s => s.Stimuli);
}
