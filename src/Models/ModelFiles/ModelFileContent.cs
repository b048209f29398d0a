using System.Text.Json.Nodes;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.ModelFiles;

/// <summary>Everything a model file holds, in typed form: what <see cref="ModelFile.Save"/> takes and <see cref="ModelFile.Load"/> returns.</summary>
/// <param name="ModelKind">Which generator the weights belong to, e.g. "tablediffusion".</param>
/// <param name="HyperParameters">The generator's hyper-parameters as a JSON object.</param>
/// <param name="Tensors">The named weight tensors.</param>
public sealed record ModelFileContent(string ModelKind, JsonObject HyperParameters, IReadOnlyList<ModelTensor> Tensors)
{
    /// <summary>The table schema the model was fitted with, or null.</summary>
    public TableSchema? Schema { get; init; }

    /// <summary>The encoder's parameters (e.g. <c>JsonNode.Parse(encoder.ToJson())</c>), or null.</summary>
    public JsonNode? EncoderParameters { get; init; }

    /// <summary>The privacy ledger of the fit, or null for a model trained without private data.</summary>
    public PrivacyLedger? Ledger { get; init; }

    /// <summary>Library version that wrote the file; set on load, ignored on save (the running library's version is written).</summary>
    public string? LibraryVersion { get; init; }

    /// <summary>The tensor called <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public ModelTensor Tensor(string name) =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"The model has no tensor '{name}'.");
}
