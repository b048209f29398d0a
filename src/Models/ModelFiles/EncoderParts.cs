using System.Text.Json.Nodes;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.ModelFiles;

/// <summary>
/// The parts every generator over encoded rows keeps in its model file — the embedded schema and the
/// fitted encoder — read and checked against each other and against the hyper-parameters'
/// <c>encoded_width</c>, so a damaged or mismatched file is refused before any weight is used.
/// </summary>
internal static class EncoderParts
{
    /// <summary>
    /// Saves a model over encoded rows: its hyper-parameters plus <c>encoded_width</c> and the fit
    /// summary (<c>training</c>), its tensors, the schema, the encoder's parameters and the ledger.
    /// </summary>
    public static void Save(string path, string kind, JsonObject hyper, IReadOnlyList<ModelTensor> tensors, TableSchema schema, TableEncoder encoder,
        PrivacyLedger? ledger, FitSummary summary)
    {
        hyper["encoded_width"] = encoder.Width;
        hyper["training"] = summary.ToJson();
        ModelFile.Save(path, new ModelFileContent(kind, hyper, tensors)
        {
            Schema = schema,
            EncoderParameters = JsonNode.Parse(encoder.ToJson()),
            Ledger = ledger,
        });
    }

    /// <summary>The schema and encoder of a loaded model of kind <paramref name="kind"/>.</summary>
    /// <exception cref="ModelFileException">The file is of another kind, or its schema, encoder or width are missing or inconsistent.</exception>
    public static (TableSchema Schema, TableEncoder Encoder) Read(string path, ModelFileContent content, string kind)
    {
        if (content.ModelKind != kind)
            throw new ModelFileException(path, $"holds a '{content.ModelKind}' model, not '{kind}'");
        var schema = content.Schema ?? throw new ModelFileException(path, "holds no schema");
        if (content.EncoderParameters is null) throw new ModelFileException(path, "holds no encoder parameters");
        TableEncoder encoder;
        try { encoder = TableEncoder.FromJson(content.EncoderParameters.ToJsonString()); }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        catch (ArgumentException e) { throw new ModelFileException(path, "the encoder parameters are invalid: " + e.Message, e); }
        if (content.HyperParameters["encoded_width"] is not JsonValue w || !w.TryGetValue(out int width) || width != encoder.Width)
            throw new ModelFileException(path, $"the hyper-parameters' encoded width does not match the encoder's {encoder.Width} columns");
        foreach (var column in encoder.Columns)
            if (schema.Find(column.Name) is null)
                throw new ModelFileException(path, $"the encoder's column \"{column.Name}\" is not in the embedded schema");
        return (schema, encoder);
    }
}
