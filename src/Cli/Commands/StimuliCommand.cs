using System.CommandLine;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth stimuli`: share what a trained classifier knows, not the records (Nikolaidis et al. 2021).</summary>
internal static class StimuliCommand
{
    private const string Description = """
        Stimuli from neuronal excitation (Nikolaidis et al. 2021): a teacher classifier is trained on
        sensitive windows of physiological signals (`stimuli teach`); inputs that excite its output
        neurons are synthesised and released with the teacher's soft labels (`stimuli generate`);
        students trained on them are tested on real windows (`stimuli evaluate`). `stimuli study` runs
        the whole experiment on the built-in sleep-apnea simulator.
        """;

    public static Command Create() => new("stimuli", Description)
    {
        StimuliDataCommands.Simulate(),
        StimuliDataCommands.Teach(),
        StimuliDataCommands.Generate(),
        StimuliDataCommands.Evaluate(),
        StimuliStudyCommand.Create(),
    };
}
