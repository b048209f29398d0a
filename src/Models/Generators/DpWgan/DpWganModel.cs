using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// A fitted DP-WGAN model: the encoder (public or DP-released parameters only), the schema, the
/// hyper-parameters, the generator's weights and the privacy ledger of the fit. The critic is not
/// kept: sampling needs only the generator.
/// </summary>
public sealed class DpWganModel
{
    /// <summary>The model kind written into model files.</summary>
    public const string Kind = "dpwgan";

    private const string ParametersTensor = "generator.parameters";

    /// <summary>Creates a model from its parts; the sampler checks the parameter count against the generator it builds.</summary>
    public DpWganModel(DpWganOptions options, TableEncoder encoder, TableSchema schema, float[] parameters, PrivacyLedger? ledger, DpWganFitSummary? summary = null)
    {
        options.Validate();
        Options = options;
        Encoder = encoder;
        Schema = schema;
        Parameters = parameters;
        Ledger = ledger;
        Summary = summary;
    }

    /// <summary>Hyper-parameters.</summary>
    public DpWganOptions Options { get; }

    /// <summary>The fitted encoder.</summary>
    public TableEncoder Encoder { get; }

    /// <summary>The schema the model was fitted under.</summary>
    public TableSchema Schema { get; }

    /// <summary>The generator's flat parameter vector.</summary>
    public float[] Parameters { get; }

    /// <summary>The privacy ledger of the fit (preprocessing stages and the critic's training).</summary>
    public PrivacyLedger? Ledger { get; }

    /// <summary>What the fit did (σ, q, critic and generator steps, ε per part), or null when unknown.</summary>
    public DpWganFitSummary? Summary { get; }

    /// <summary>Saves the model through a temporary file renamed on success.</summary>
    public void Save(string path)
    {
        var hyper = Options.ToJson();
        hyper["encoded_width"] = Encoder.Width;
        hyper["generator"] = "z ~ N(0, I_latent) -> residual-concat blocks -> linear -> softmax within categorical spans";
        hyper["category_decoding"] = Options.SampleCategories ? "sample" : "argmax";
        if (Summary is not null) hyper["training"] = Summary.ToJson();
        ModelFile.Save(path, new ModelFileContent(Kind, hyper, [new ModelTensor(ParametersTensor, [Parameters.Length], Parameters)])
        {
            Schema = Schema,
            EncoderParameters = JsonNode.Parse(Encoder.ToJson()),
            Ledger = Ledger,
        });
    }

    /// <summary>Loads a model, checking that the file is a DP-WGAN model and consistent with itself.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="readLedger">Whether to read the privacy ledger too (sampling does not need it; <see cref="Ledger"/> is then null).</param>
    /// <exception cref="ModelFileException">The file is missing, damaged, tampered, of another kind or inconsistent.</exception>
    public static DpWganModel Load(string path, bool readLedger = true)
    {
        var content = ModelFile.Load(path, readLedger);
        var (schema, encoder) = EncoderParts.Read(path, content, Kind);
        var hyper = content.HyperParameters;
        DpWganOptions options;
        DpWganFitSummary? summary;
        try
        {
            var optionsJson = (JsonObject)hyper.DeepClone();
            foreach (var extra in new[] { "encoded_width", "generator", "category_decoding", "training" }) optionsJson.Remove(extra);
            options = DpWganOptions.FromJson(optionsJson);
            summary = hyper["training"] is JsonObject t ? DpWganFitSummary.FromJson(t) : null;
        }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        var tensor = content.Tensors.FirstOrDefault(t => t.Name == ParametersTensor)
            ?? throw new ModelFileException(path, $"has no tensor '{ParametersTensor}'");
        try { return new DpWganModel(options, encoder, schema, tensor.Data, content.Ledger, summary); }
        catch (ArgumentException e) { throw new ModelFileException(path, e.Message, e); }
    }

    /// <summary>
    /// Generates rows in batches of at most <paramref name="batchRows"/>; see <see cref="DpWganSampler"/>.
    /// Memory is constant in the row count: each batch is yielded and then dropped.
    /// </summary>
    public IEnumerable<Table> Sample(IComputeBackend backend, SampleRequest request, int batchRows = 2048) =>
        DpWganSampler.Sample(this, backend, request, batchRows);
}
