using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// A fitted DP-WGAN model: the encoder (public or DP-released parameters only), the schema, the
/// hyper-parameters, the generator's weights and the privacy ledger of the fit. The critic is not
/// kept: sampling needs only the generator.
/// </summary>
public sealed class DpWganModel : FittedModel
{
    /// <summary>The model kind written into model files.</summary>
    public const string KindName = "dpwgan";

    private const string ParametersTensor = "generator.parameters";

    /// <summary>Creates a model from its parts; the sampler checks the parameter count against the generator it builds.</summary>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="encoder">The fitted encoder.</param>
    /// <param name="schema">The schema of the fit.</param>
    /// <param name="parameters">The generator's flat parameter vector.</param>
    /// <param name="ledger">The fit's ledger (null when not read).</param>
    /// <param name="summary">What the fit did; <see cref="FitSummary.Steps"/> counts the private critic steps.</param>
    /// <param name="generatorSteps">Generator steps the fit ran (free: they read no real row).</param>
    public DpWganModel(DpWganOptions options, TableEncoder encoder, TableSchema schema, float[] parameters, PrivacyLedger? ledger,
        FitSummary? summary = null, long generatorSteps = 0)
    {
        options.Validate();
        Options = options;
        Encoder = encoder;
        Schema = schema;
        Parameters = parameters;
        Ledger = ledger;
        Summary = summary ?? new FitSummary { Epsilon = ledger?.TotalEpsilon ?? 0, Delta = ledger?.Budget.Delta ?? 0 };
        GeneratorSteps = generatorSteps;
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override string Description => KindName;

    /// <inheritdoc />
    public override bool CopiesFromOneModel => true;

    /// <inheritdoc />
    public override IReadOnlyList<ColumnDomain> Domains => ColumnDomain.Of(Encoder);

    /// <summary>Hyper-parameters.</summary>
    public DpWganOptions Options { get; }

    /// <summary>The fitted encoder.</summary>
    public TableEncoder Encoder { get; }

    /// <inheritdoc />
    public override TableSchema Schema { get; }

    /// <summary>The generator's flat parameter vector.</summary>
    public float[] Parameters { get; }

    /// <inheritdoc />
    public override PrivacyLedger? Ledger { get; }

    /// <inheritdoc />
    /// <remarks>Its steps are the critic's private DP-SGD steps, all of them charged in the ledger's training stage.</remarks>
    public override FitSummary Summary { get; }

    /// <summary>Generator steps the fit ran (free: they read no real row, and the ledger holds no stage for them).</summary>
    public long GeneratorSteps { get; }

    /// <inheritdoc />
    public override void Save(string path)
    {
        var hyper = Options.ToJson();
        hyper["generator"] = "z ~ N(0, I_latent) -> residual-concat blocks -> linear -> softmax within categorical spans";
        hyper["category_decoding"] = Options.SampleCategories ? "sample" : "argmax";
        hyper["generator_steps"] = GeneratorSteps;
        EncoderParts.Save(path, KindName, hyper, [new ModelTensor(ParametersTensor, [Parameters.Length], Parameters)], Schema, Encoder, Ledger, Summary);
    }

    /// <summary>Loads a model, checking that the file is a DP-WGAN model and consistent with itself.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="readLedger">Whether to read the privacy ledger too (sampling does not need it; <see cref="Ledger"/> is then null).</param>
    /// <exception cref="ModelFileException">The file is missing, damaged, tampered, of another kind or inconsistent.</exception>
    public static DpWganModel Load(string path, bool readLedger = true) => FromContent(ModelFile.Load(path, readLedger), path);

    /// <summary>The model a DP-WGAN model file holds, checked for consistency.</summary>
    /// <exception cref="ModelFileException">The content is of another kind, incomplete or inconsistent.</exception>
    internal static DpWganModel FromContent(ModelFileContent content, string path)
    {
        var (schema, encoder) = EncoderParts.Read(path, content, KindName);
        var hyper = content.HyperParameters;
        DpWganOptions options;
        FitSummary summary;
        long generatorSteps;
        try
        {
            var optionsJson = (JsonObject)hyper.DeepClone();
            foreach (var extra in new[] { "encoded_width", "generator", "category_decoding", "generator_steps", "training" }) optionsJson.Remove(extra);
            options = DpWganOptions.FromJson(optionsJson);
            summary = FitSummary.FromJson(hyper["training"] as JsonObject, content.Ledger);
            generatorSteps = hyper["generator_steps"] is JsonValue g && g.TryGetValue(out long steps) && steps >= 0 ? steps
                : throw new FormatException("the hyper-parameters' generator_steps is missing or not a count");
        }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        var tensor = content.Tensors.FirstOrDefault(t => t.Name == ParametersTensor)
            ?? throw new ModelFileException(path, $"has no tensor '{ParametersTensor}'");
        try { return new DpWganModel(options, encoder, schema, tensor.Data, content.Ledger, summary, generatorSteps); }
        catch (ArgumentException e) { throw new ModelFileException(path, e.Message, e); }
    }

    /// <summary>
    /// Generates rows in batches of at most <paramref name="batchRows"/>; see <see cref="DpWganSampler"/>.
    /// Memory is constant in the row count: each batch is yielded and then dropped.
    /// </summary>
    public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048) =>
        DpWganSampler.Sample(this, backend ?? throw new ArgumentNullException(nameof(backend), "DP-WGAN samples on a compute backend"), request, batchRows);
}
