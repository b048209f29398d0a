using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DpSynth.Tests.Shared;

/// <summary>
/// The JSON settings DpSynth used before source generation and NativeAOT: reflection metadata and the
/// non-generic <see cref="JsonStringEnumConverter"/>. Tests compare today's output with these, byte for byte.
/// (Linked into each test project that needs it.)
/// </summary>
internal static class LegacyJson
{
    /// <summary>
    /// <paramref name="options"/> resolving by reflection, with <paramref name="enums"/> (the old non-generic converter;
    /// null where the document had none) in place of the per-enum generic converters the library now lists.
    /// </summary>
    public static JsonSerializerOptions Reflection(JsonSerializerOptions options, JsonStringEnumConverter? enums)
    {
        var legacy = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        foreach (var generic in legacy.Converters.Where(IsGenericEnumConverter).ToList()) legacy.Converters.Remove(generic);
        if (enums is not null) legacy.Converters.Add(enums);
        return legacy;
    }

    /// <summary>Every enum type a document rooted at <paramref name="root"/> can hold: properties, elements, keys and derived types, transitively.</summary>
    public static IReadOnlyCollection<Type> ReachableEnums(JsonSerializerOptions options, Type root)
    {
        var seen = new HashSet<Type>();
        var enums = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!seen.Add(type)) continue;
            if (type.IsEnum) { enums.Add(type); continue; }
            var info = options.GetTypeInfo(type);
            foreach (var property in info.Properties) pending.Push(property.PropertyType);
            if (info.ElementType is { } element) pending.Push(element);
            if (info.KeyType is { } key) pending.Push(key);
            foreach (var derived in info.PolymorphismOptions?.DerivedTypes ?? []) pending.Push(derived.DerivedType);
        }
        return enums;
    }

    /// <summary>
    /// Asserts that every value of every enum reachable from <paramref name="root"/> is written as <paramref name="legacy"/>
    /// wrote it, reads back, and that an integer is accepted or refused as before. Returns the enums checked.
    /// </summary>
    public static IReadOnlyCollection<Type> AssertEnumsSpelledAsBefore(JsonSerializerOptions options, JsonSerializerOptions legacy, Type root)
    {
        var enums = ReachableEnums(options, root);
        foreach (var type in enums)
        {
            foreach (var value in Enum.GetValues(type))
            {
                string written = JsonSerializer.Serialize(value, options.GetTypeInfo(type));
                Xunit.Assert.Equal(JsonSerializer.Serialize(value, type, legacy), written);
                Xunit.Assert.Equal(value, JsonSerializer.Deserialize(written, options.GetTypeInfo(type)));
            }
            Xunit.Assert.Equal(Outcome(() => JsonSerializer.Deserialize("0", type, legacy)), Outcome(() => JsonSerializer.Deserialize("0", options.GetTypeInfo(type))));
        }
        return enums;
    }

    private static string Outcome(Func<object?> read)
    {
        try { return "read " + read(); }
        catch (JsonException) { return "refused"; }
    }

    private static bool IsGenericEnumConverter(JsonConverter converter) =>
        converter.GetType().IsGenericType && converter.GetType().GetGenericTypeDefinition() == typeof(JsonStringEnumConverter<>);
}
