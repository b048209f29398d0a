using System.Text.Json;
using System.Text.Json.Nodes;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>What a DP-WGAN fit did, for reports and the model file. Holds no exact row count.</summary>
/// <param name="NoiseMultiplier">σ of the critic's DP-SGD.</param>
/// <param name="SampleRate">Poisson rate q of the critic's real batches.</param>
/// <param name="CriticSteps">Private critic steps run (all of them charged in the ledger's training stage).</param>
/// <param name="GeneratorSteps">Generator steps run (free: they read no real row).</param>
/// <param name="ClipNorm">Per-example clip norm C.</param>
/// <param name="TrainingEpsilon">ε of the training stage alone, at δ.</param>
/// <param name="PreprocessingEpsilon">ε of the stages before training (the encoder's statistics).</param>
/// <param name="TotalEpsilon">The ledger's composed ε.</param>
/// <param name="Delta">δ of the guarantee.</param>
/// <param name="SecureRandomness">True when noise and sampling came from the OS CSPRNG; false for a user seed.</param>
public sealed record DpWganFitSummary(
    double NoiseMultiplier, double SampleRate, long CriticSteps, long GeneratorSteps, double ClipNorm,
    double TrainingEpsilon, double PreprocessingEpsilon, double TotalEpsilon, double Delta, bool SecureRandomness)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The summary as a JSON object.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, JsonOptions)!.AsObject();

    /// <summary>Reads a summary written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">A value is missing or of the wrong type.</exception>
    public static DpWganFitSummary FromJson(JsonObject o)
    {
        try { return o.Deserialize<DpWganFitSummary>(JsonOptions) ?? throw new FormatException("the fit summary is empty"); }
        catch (JsonException e) { throw new FormatException("the DP-WGAN fit summary is invalid: " + e.Message, e); }
    }
}
