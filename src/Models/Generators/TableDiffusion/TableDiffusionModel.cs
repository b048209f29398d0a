using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.TableDiffusion;

/// <summary>
/// A fitted TableDiffusion model: the encoder (public or DP-released parameters only), the schema,
/// the hyper-parameters, the denoiser's weights and the privacy ledger of the fit — everything
/// <c>sample</c> needs, saved as one model file.
/// </summary>
public sealed class TableDiffusionModel : FittedModel
{
    /// <summary>The model kind written into model files.</summary>
    public const string KindName = "tablediffusion";

    private const string ParametersTensor = "denoiser.parameters", MarginalsTensor = "span_marginals";

    /// <summary>Creates a model from its parts; the sampler checks the parameter count against the denoiser it builds.</summary>
    public TableDiffusionModel(TableDiffusionOptions options, TableEncoder encoder, TableSchema schema, float[] parameters, PrivacyLedger? ledger, FitSummary? summary = null)
    {
        options.Validate();
        Options = options;
        Encoder = encoder;
        Schema = schema;
        Parameters = parameters;
        Ledger = ledger;
        Summary = summary ?? new FitSummary { Epsilon = ledger?.TotalEpsilon ?? 0, Delta = ledger?.Budget.Delta ?? 0 };
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override string Description => $"{KindName} ({Options.Preset})";

    /// <inheritdoc />
    public override bool CopiesFromOneModel => true;

    /// <inheritdoc />
    public override IReadOnlyList<ColumnDomain> Domains => ColumnDomain.Of(Encoder);

    /// <summary>Hyper-parameters.</summary>
    public TableDiffusionOptions Options { get; }

    /// <summary>The fitted encoder.</summary>
    public TableEncoder Encoder { get; }

    /// <inheritdoc />
    public override TableSchema Schema { get; }

    /// <summary>The denoiser's flat parameter vector.</summary>
    public float[] Parameters { get; }

    /// <summary>The privacy ledger of the fit (preprocessing stages and training).</summary>
    public override PrivacyLedger? Ledger { get; }

    /// <summary>DP one-way marginals of the softmax spans (see <see cref="SpanMarginals"/>), or null when none were released.</summary>
    public float[]? SpanMarginals
    {
        get;
        init
        {
            if (value is not null && value.Length != Encoder.Width)
                throw new ArgumentException($"The span marginals hold {value.Length} values; the encoded row has {Encoder.Width}.");
            field = value;
        }
    }

    /// <inheritdoc />
    public override FitSummary Summary { get; }

    /// <summary>
    /// The denoiser: residual-concat blocks (Linear → LayerNorm → ReLU, concatenated with their
    /// input) and a linear head back to the encoded width, predicting the noise ξ (or x₀) from x_t
    /// (and the one-hot step, when the options ask for it). A wide input is first projected to
    /// <see cref="TableDiffusionOptions.ProjectionWidth"/> features, so that the blocks and the head
    /// read that many instead of the whole row (see <see cref="TableDiffusionOptions.Projects"/>).
    /// </summary>
    public static Layer[] Denoiser(int width, TableDiffusionOptions options)
    {
        var layers = new List<Layer>();
        int inputs = options.InputWidth(width);
        if (options.Projects(width))
        {
            layers.Add(new Linear(inputs, options.ProjectionWidth));
            inputs = options.ProjectionWidth;
        }
        foreach (int h in options.Hidden)
        {
            layers.Add(new ResidualConcat(inputs, h));
            inputs += h;
        }
        layers.Add(new Linear(inputs, width));
        return layers.ToArray();
    }

    /// <summary>Saves the model through a temporary file renamed on success.</summary>
    public override void Save(string path)
    {
        var hyper = Options.ToJson();
        hyper["betas"] = new JsonArray(Options.Betas().Select(b => (JsonNode)b).ToArray());
        hyper["reverse_process"] = Options.Target == DiffusionTarget.Noise
            ? "x ~ N(0, I); for t = T-1..0: x -= sqrt(beta_t) * denoiser(x)"
            : "x ~ N(0, I); for t along the sampling path T-1 > ... > 0 (sampling_steps levels, 0 = all): x0 = softmax(spans of denoiser(x, t)), (x - s_t * eps)/a_t elsewhere; "
              + "x ~ q(x_next | x_t, x0); last softmaxes reweighted to the DP span marginals (when released)";
        hyper["category_decoding"] = Options.SampleCategories ? "sample" : "argmax";
        var tensors = new List<ModelTensor> { new(ParametersTensor, [Parameters.Length], Parameters) };
        if (SpanMarginals is not null) tensors.Add(new ModelTensor(MarginalsTensor, [SpanMarginals.Length], SpanMarginals));
        EncoderParts.Save(path, KindName, hyper, tensors, Schema, Encoder, Ledger, Summary);
    }

    /// <summary>Loads a model, checking that the file is a TableDiffusion model and consistent with itself.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="readLedger">Whether to read the privacy ledger too (sampling does not need it; <see cref="Ledger"/> is then null).</param>
    /// <exception cref="ModelFileException">The file is missing, damaged, tampered, of another kind or inconsistent.</exception>
    public static TableDiffusionModel Load(string path, bool readLedger = true) => FromContent(ModelFile.Load(path, readLedger), path);

    /// <summary>The model a TableDiffusion model file holds, checked for consistency.</summary>
    /// <exception cref="ModelFileException">The content is of another kind, incomplete or inconsistent.</exception>
    internal static TableDiffusionModel FromContent(ModelFileContent content, string path)
    {
        var (schema, encoder) = EncoderParts.Read(path, content, KindName);
        TableDiffusionOptions options;
        FitSummary summary;
        try
        {
            options = TableDiffusionOptions.FromJson(content.HyperParameters);
            summary = FitSummary.FromJson(content.HyperParameters["training"] as JsonObject, content.Ledger);
        }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        var tensor = content.Tensors.FirstOrDefault(t => t.Name == ParametersTensor)
            ?? throw new ModelFileException(path, $"has no tensor '{ParametersTensor}'");
        // The denoiser the hyper-parameters describe must be the one the weights fill, before sampling builds it.
        using (var scalar = new Kernels.Reference.ReferenceBackend())
            if (Network.DeclaredParameterLength(scalar, Denoiser(encoder.Width, options)) is not long needed || needed != tensor.Data.Length)
                throw new ModelFileException(path, $"the hyper-parameters describe a denoiser of another size than the {tensor.Data.Length} weights the file holds");
        try
        {
            return new TableDiffusionModel(options, encoder, schema, tensor.Data, content.Ledger, summary)
            { SpanMarginals = content.Tensors.FirstOrDefault(t => t.Name == MarginalsTensor)?.Data };
        }
        catch (ArgumentException e) { throw new ModelFileException(path, e.Message, e); }
    }

    /// <summary>
    /// Generates rows in batches of at most <paramref name="batchRows"/>; see <see cref="TableDiffusionSampler"/>.
    /// Memory is constant in the row count: each batch is yielded and then dropped.
    /// </summary>
    public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048) =>
        TableDiffusionSampler.Sample(this, backend ?? throw new ArgumentNullException(nameof(backend), "TableDiffusion samples on a compute backend"), request,
            Math.Min(batchRows, WideBatchRows(Encoder.Width)));

    /// <summary>
    /// Rows per sampling batch that keep a wide table's buffers (the denoiser's workspaces on each
    /// worker and the host copies, about 64 floats per encoded column and row) within 256 MB; narrow
    /// tables get more than the default 2,048.
    /// </summary>
    internal static int WideBatchRows(int width) => (int)Math.Clamp((256L << 20) / (64L * 4 * width), 16, int.MaxValue);
}
