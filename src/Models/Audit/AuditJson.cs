using System.Text.Json;
using System.Text.Json.Serialization;
using DpSynth.Models.Audit.DpSgd;
using DpSynth.Models.Audit.Generators;
using DpSynth.Models.Audit.Mechanisms;
using DpSynth.Privacy.Calibration;

namespace DpSynth.Models.Audit;

/// <summary>The JSON form of audit reports: snake_case, indented, enums in kebab-case, NaN and infinities as strings.</summary>
public static class AuditJson
{
    /// <summary>
    /// How audit reports are written; metadata from the source-generated <see cref="AuditJsonContext"/>,
    /// so a NativeAOT build (where reflection-based serialisation is off) writes them too.
    /// </summary>
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // One generic converter per enum in the reports: the non-generic factory builds them by reflection.
        Converters =
        {
            new JsonStringEnumConverter<PositiveControl>(JsonNamingPolicy.KebabCaseLower),
            new JsonStringEnumConverter<AuditedTrainer>(JsonNamingPolicy.KebabCaseLower),
            new JsonStringEnumConverter<AccountantKind>(JsonNamingPolicy.KebabCaseLower),
        },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        TypeInfoResolver = AuditJsonContext.Default,
    };

    /// <summary>A mechanism audit's report as JSON.</summary>
    public static string ToJson(MechanismAuditReport report) => JsonSerializer.Serialize(report, Options.TypeInfo<MechanismAuditReport>());

    /// <summary>DP-SGD audit results as a JSON array.</summary>
    public static string ToJson(IReadOnlyList<DpSgdAuditResult> results) => JsonSerializer.Serialize(results.ToArray(), Options.TypeInfo<DpSgdAuditResult[]>());

    /// <summary>Generator audit results as a JSON array.</summary>
    public static string ToJson(IReadOnlyList<GeneratorAuditResult> results) => JsonSerializer.Serialize(results.ToArray(), Options.TypeInfo<GeneratorAuditResult[]>());
}

/// <summary>Compile-time JSON metadata for the audit reports <see cref="AuditJson"/> writes.</summary>
[JsonSerializable(typeof(MechanismAuditReport))]
[JsonSerializable(typeof(DpSgdAuditResult[]))]
[JsonSerializable(typeof(GeneratorAuditResult[]))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
