using DpSynth.Kernels;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>The classifier architectures of the stimuli experiment (teacher, ID classifier and students).</summary>
public enum ClassifierShape
{
    /// <summary>The teacher's MLP: width → 128 ReLU → 64 ReLU → classes. Also the same-architecture student.</summary>
    Mlp,
    /// <summary>A different, smaller MLP: width → 32 tanh → classes.</summary>
    SmallMlp,
    /// <summary>Multinomial logistic regression: width → classes.</summary>
    Logistic,
}

/// <summary>Builds the layers of a <see cref="ClassifierShape"/>.</summary>
public static class ClassifierShapes
{
    /// <summary>Name used in reports and model files.</summary>
    public static string Name(this ClassifierShape shape) => shape switch
    {
        ClassifierShape.Mlp => "mlp",
        ClassifierShape.SmallMlp => "small-mlp",
        _ => "logistic",
    };

    /// <summary>The shape called <paramref name="name"/> (as <see cref="Name"/> writes it), or null.</summary>
    public static ClassifierShape? Parse(string name) =>
        Enum.GetValues<ClassifierShape>().Cast<ClassifierShape?>().FirstOrDefault(s => s!.Value.Name() == name);

    /// <summary>Fresh layers for <paramref name="inputs"/> columns and <paramref name="classes"/> logits.</summary>
    public static Layer[] Layers(this ClassifierShape shape, int inputs, int classes) => shape switch
    {
        ClassifierShape.Mlp => [new Linear(inputs, 128, Activation.ReLU), new Linear(128, 64, Activation.ReLU), new Linear(64, classes)],
        ClassifierShape.SmallMlp => [new Linear(inputs, 32, Activation.Tanh), new Linear(32, classes)],
        _ => [new Linear(inputs, classes)],
    };
}
