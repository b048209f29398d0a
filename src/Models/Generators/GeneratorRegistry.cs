using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.Generators.LipschitzVae;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.ModelFiles;

namespace DpSynth.Models.Generators;

/// <summary>
/// Every generator DpSynth has, one line each. Commands (<c>fit --model</c>, <c>sample</c>,
/// <c>evaluate</c>, <c>demo</c>, <c>twins</c>, <c>models</c>), the twin study and the generator
/// contract tests find generators only here.
/// </summary>
/// <remarks>
/// DESIGN: adding a generator is one folder under <c>src/Models/Generators/</c> (a
/// <see cref="Generator"/> subclass, its <see cref="FittedModel"/> and whatever they need) plus one
/// line in <see cref="All"/>. Nothing else changes: the commands list and accept it by its kind,
/// <c>sample</c> loads its model files by the kind they record, and the contract test table runs
/// its checks on it automatically.
/// </remarks>
public static class GeneratorRegistry
{
    /// <summary>The generators, in the order <c>dpsynth models</c> lists them (the first is the default of <c>fit</c>).</summary>
    public static IReadOnlyList<Generator> All { get; } =
    [
        new TableDiffusionGenerator(),
        new DpviGenerator(),
        new DpWganGenerator(),
        new LipschitzVaeGenerator(),
    ];

    /// <summary>The kinds, comma-separated (for help texts and refusals).</summary>
    public static string Kinds => string.Join(", ", All.Select(g => g.Kind));

    /// <summary>The generator of <paramref name="kind"/>, or null.</summary>
    public static Generator? Find(string kind) => All.FirstOrDefault(g => g.Kind == kind);

    /// <summary>The generator of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">No generator has that kind (the message lists the kinds).</exception>
    public static Generator Get(string kind) =>
        Find(kind) ?? throw new ArgumentException($"'{kind}' is not a generator; the generators are: {Kinds}");

    /// <summary>Loads a model file of any registered kind.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="readLedger">Whether to read the privacy ledger (sampling does not need it).</param>
    /// <exception cref="ModelFileException">The file is missing, damaged, of an unknown kind or inconsistent.</exception>
    public static FittedModel Load(string path, bool readLedger = true)
    {
        var content = ModelFile.Load(path, readLedger);
        var generator = Find(content.ModelKind)
            ?? throw new ModelFileException(path, $"holds a '{content.ModelKind}' model, which this version cannot sample (it knows {Kinds})");
        return generator.Load(content, path);
    }
}
