using System.Text.Json;
using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// How the schema and the encoder spell their enums: camelCase names, integers refused. One generic
/// converter per enum, because the non-generic <see cref="JsonStringEnumConverter"/> builds its
/// converters by reflection, which a NativeAOT build does not have. An enum added to either document
/// needs its converter here (SourceGeneratedJsonTests checks every enum the documents reach).
/// </summary>
internal static class TabularJsonEnums
{
    public static readonly JsonConverter Kind = new JsonStringEnumConverter<ColumnKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
    public static readonly JsonConverter Role = new JsonStringEnumConverter<ColumnRole>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
    public static readonly JsonConverter Transform = new JsonStringEnumConverter<NumericTransform>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
}
