namespace DpSynth.Models.Twins.Study;

/// <summary>Which part of the study a progress report is about.</summary>
public enum TwinStudyStage
{
    /// <summary>Simulating and splitting the data.</summary>
    Simulate,
    /// <summary>Releasing one centre's twin.</summary>
    Release,
    /// <summary>Analysing one centre (local-only and all its joins).</summary>
    Analyse,
}

/// <summary>A progress report of <see cref="TwinStudy.Run"/>.</summary>
/// <param name="Stage">The part of the study.</param>
/// <param name="Done">Units of the stage done so far (centres).</param>
/// <param name="Total">Units of the stage in all.</param>
/// <param name="Message">A one-line description of the unit just finished.</param>
public sealed record TwinStudyProgress(TwinStudyStage Stage, int Done, int Total, string Message);
