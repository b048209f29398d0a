using System.Globalization;
using System.Text.Json.Nodes;
using DpSynth.Kernels;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.LipschitzVae;

/// <summary>
/// A fitted Lipschitz VAE: the table encoder (public or DP-released parameters), the certified encoder
/// mean, the decoder's weights, the fit's ledger. <see cref="Sample"/> is prior mode (post-processing
/// of the DP-SGD weights, no further cost); twins mode, which reads a private table again, is
/// <see cref="TwinsRelease"/>.
/// </summary>
public sealed class LipschitzVaeModel : FittedModel
{
    /// <summary>The model kind written into model files.</summary>
    public const string KindName = "lvae";

    private const string DecoderTensor = "decoder.parameters";

    /// <summary>Creates a model from its parts.</summary>
    /// <exception cref="ArgumentException">The parts do not fit together.</exception>
    public LipschitzVaeModel(LipschitzVaeOptions options, TableEncoder encoder, TableSchema schema, CertifiedEncoder mean,
        float[] decoderParameters, PrivacyLedger? ledger, FitSummary summary)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(mean);
        options.Validate();
        Box = new InputBox(encoder);
        if (mean.InputWidth != encoder.Width || mean.LatentWidth != options.LatentWidth)
            throw new ArgumentException($"the encoder mean maps {mean.InputWidth}→{mean.LatentWidth}; the table encoding has {encoder.Width} columns and the latent {options.LatentWidth}");
        if (mean.Lipschitz > options.Lipschitz)
            throw new ArgumentException(FormattableString.Invariant($"the encoder mean's certified Lipschitz bound {mean.Lipschitz:R} exceeds the target {options.Lipschitz:R}"));
        Options = options;
        Encoder = encoder;
        Schema = schema;
        Mean = mean;
        DecoderParameters = decoderParameters;
        Ledger = ledger;
        Summary = summary;
    }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <inheritdoc />
    public override string Description => FormattableString.Invariant($"{KindName} (L {Options.Lipschitz:0.###}, latent {Options.LatentWidth}, sigma {Options.LatentSigma:0.###})");

    /// <inheritdoc />
    public override bool CopiesFromOneModel => true;

    /// <inheritdoc />
    public override IReadOnlyList<ColumnDomain> Domains => ColumnDomain.Of(Encoder);

    /// <summary>Hyper-parameters.</summary>
    public LipschitzVaeOptions Options { get; }

    /// <summary>The table encoder.</summary>
    public TableEncoder Encoder { get; }

    /// <summary>The public box of encoded records (its diameter D enters twins mode's sensitivity).</summary>
    public InputBox Box { get; }

    /// <inheritdoc />
    public override TableSchema Schema { get; }

    /// <summary>The certified encoder mean μ(x).</summary>
    public CertifiedEncoder Mean { get; }

    /// <summary>The decoder's flat parameters.</summary>
    public float[] DecoderParameters { get; }

    /// <inheritdoc />
    public override PrivacyLedger? Ledger { get; }

    /// <inheritdoc />
    public override FitSummary Summary { get; }

    /// <summary>Prior mode: z ~ N(0, I) through the decoder. Post-processing of the fit; no budget.</summary>
    public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048) =>
        LipschitzVaeSampler.Prior(this, backend ?? throw new ArgumentNullException(nameof(backend), "the Lipschitz VAE decodes on a compute backend"), request, batchRows);

    /// <inheritdoc />
    public override void Save(string path)
    {
        var hyper = Options.ToJson();
        hyper["encoded_width"] = Encoder.Width;
        hyper["encoder_scale"] = Mean.Scale;
        hyper["certified_lipschitz"] = Mean.Lipschitz;
        hyper["input_diameter"] = Box.Diameter;
        hyper["encoder_mean"] = "mu(x) = encoder_scale * W_K(relu(... relu(W_1 x + b_1) ...)) + encoder_scale * b_K; ||W_l||_2 bounded exactly (Jacobi on W^T W in double) on load";
        hyper["training"] = Summary.ToJson();
        var tensors = new List<ModelTensor>();
        for (int l = 0; l < Mean.Layers.Count; l++)
        {
            var layer = Mean.Layers[l];
            tensors.Add(new ModelTensor($"encoder.{l}.weight", [layer.Outputs, layer.Inputs], layer.Weight));
            tensors.Add(new ModelTensor($"encoder.{l}.bias", [layer.Outputs], layer.Bias));
        }
        tensors.Add(new ModelTensor(DecoderTensor, [DecoderParameters.Length], DecoderParameters));
        ModelFile.Save(path, new ModelFileContent(KindName, hyper, tensors)
        {
            Schema = Schema,
            EncoderParameters = JsonNode.Parse(Encoder.ToJson()),
            Ledger = Ledger,
        });
    }

    /// <summary>The model a model file holds, checked for consistency; the certificate is recomputed from the stored weights.</summary>
    /// <exception cref="ModelFileException">The content is incomplete or inconsistent.</exception>
    internal static LipschitzVaeModel FromContent(ModelFileContent content, string path)
    {
        if (content.Schema is null) throw new ModelFileException(path, "holds no schema");
        if (content.EncoderParameters is null) throw new ModelFileException(path, "holds no encoder parameters");
        try
        {
            var options = LipschitzVaeOptions.FromJson(content.HyperParameters);
            var encoder = TableEncoder.FromJson(content.EncoderParameters.ToJsonString());
            var summary = FitSummary.FromJson(content.HyperParameters["training"] as JsonObject, content.Ledger);
            if (content.HyperParameters["encoded_width"] is not JsonValue w || !w.TryGetValue(out int width) || width != encoder.Width)
                throw new FormatException($"the hyper-parameters' encoded width does not match the encoder's {encoder.Width} columns");
            if (content.HyperParameters["encoder_scale"] is not JsonValue sv || !sv.TryGetValue(out double scale))
                throw new FormatException("the hyper-parameters hold no encoder scale");
            var shapes = LipschitzVaeNetwork.Encoder(width, options);
            var layers = new EncoderLayer[shapes.Length];
            for (int l = 0; l < shapes.Length; l++)
            {
                var weight = Tensor(content, path, $"encoder.{l}.weight", shapes[l].Inputs * shapes[l].Outputs);
                var bias = Tensor(content, path, $"encoder.{l}.bias", shapes[l].Outputs);
                layers[l] = new EncoderLayer(weight, bias, shapes[l].Inputs, shapes[l].Outputs, Relu: l < shapes.Length - 1);
            }
            var decoder = content.Tensors.FirstOrDefault(t => t.Name == DecoderTensor) ?? throw new FormatException($"there is no tensor '{DecoderTensor}'");
            using (var scalar = new Kernels.Reference.ReferenceBackend())
                if (Network.DeclaredParameterLength(scalar, LipschitzVaeNetwork.Decoder(width, options)) is not long needed || needed != decoder.Data.Length)
                    throw new FormatException($"the hyper-parameters describe a decoder of another size than the {decoder.Data.Length} weights the file holds");
            return new LipschitzVaeModel(options, encoder, content.Schema, new CertifiedEncoder(layers, scale), decoder.Data, content.Ledger, summary);
        }
        catch (FormatException e) { throw new ModelFileException(path, e.Message, e); }
        catch (ArgumentException e) { throw new ModelFileException(path, e.Message, e); }
    }

    private static float[] Tensor(ModelFileContent content, string path, string name, int length)
    {
        var tensor = content.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new FormatException($"there is no tensor '{name}'");
        if (tensor.Data.Length != length)
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' holds {tensor.Data.Length} values; the hyper-parameters need {length}"));
        return tensor.Data;
    }
}
