using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Checks a schema file's JSON against the shape of <see cref="TableSchema"/> before it is
/// deserialised, so that a typo is reported in the user's terms — which column, which key, what
/// is allowed there (the valid kinds, roles and keys) — instead of a serializer message naming
/// .NET types. The shape is read from the JSON metadata the schema is deserialised with (the
/// source-generated <see cref="ModelsJsonContext"/>, through <see cref="TableSchemaJson.Options"/>):
/// the records' constructor parameters, their keys, nullability and defaults — so a field added to the
/// schema records is accepted here without a second list to keep in step, and no reflection runs.
/// </summary>
internal static class SchemaJsonShape
{
    /// <summary>One key of an object: its name in the file, its type, whether it may be null, and whether (and to what) it defaults.</summary>
    private sealed record ObjectKey(string Name, Type Type, bool Nullable, bool HasDefault, object? Default);

    /// <summary>Throws <see cref="TableFormatException"/> at the first place where <paramref name="root"/> does not fit the schema's shape.</summary>
    public static void Check(JsonNode? root, string file)
    {
        if (root is not JsonObject) throw new TableFormatException(file, 0, null, "a JSON object with a \"columns\" list" + Got(root));
        CheckValue(root, typeof(TableSchema), nullable: false, new Place(file, null, null));
    }

    /// <summary>Where in the file a value is: the column (by name when it has one) and the key path inside it.</summary>
    private sealed record Place(string File, string? Column, string? Key)
    {
        public Place Into(string key) => this with { Key = Key is null ? key : $"{Key}.{key}" };

        public TableFormatException Error(string expected) =>
            new(File, 0, Column, Key is null ? expected : $"\"{Key}\" to be {expected}");
    }

    private static void CheckValue(JsonNode? node, Type type, bool nullable, Place place)
    {
        if (node is null)
        {
            if (!nullable) throw place.Error(Describe(type) + ", got null");
            return;
        }
        // An optional number (int?, double?) has the shape of the number itself.
        if (Nullable.GetUnderlyingType(type) is { } underlying) type = underlying;
        if (type == typeof(string)) Require(node, JsonValueKind.String, type, place);
        else if (type == typeof(bool)) { if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw place.Error(Describe(type) + Got(node)); }
        else if (type == typeof(double) || type == typeof(float) || type == typeof(int) || type == typeof(long)) CheckNumber(node, type, place);
        else if (type.IsEnum) CheckEnum(node, type, place);
        else if (ListElement(type) is { } element) CheckList(node, element, place);
        else CheckObject(node, type, place);
    }

    private static void Require(JsonNode node, JsonValueKind kind, Type type, Place place)
    {
        if (node.GetValueKind() != kind) throw place.Error(Describe(type) + Got(node));
    }

    private static void CheckNumber(JsonNode node, Type type, Place place)
    {
        Require(node, JsonValueKind.Number, type, place);
        var value = node.AsValue();
        bool ok = type == typeof(double) ? value.TryGetValue(out double d) && double.IsFinite(d)
            : type == typeof(float) ? value.TryGetValue(out float f) && float.IsFinite(f)
            : type == typeof(int) ? value.TryGetValue(out int _)
            : value.TryGetValue(out long _);
        if (!ok) throw place.Error(Describe(type) + Got(node));
    }

    private static void CheckEnum(JsonNode node, Type type, Place place)
    {
        var names = EnumNames(type);
        if (node.GetValueKind() != JsonValueKind.String || !names.Contains(node.GetValue<string>(), StringComparer.Ordinal))
            throw place.Error(Describe(type) + Got(node));
    }

    private static void CheckList(JsonNode node, Type element, Place place)
    {
        if (node is not JsonArray array) throw place.Error("a list (in [ ])" + Got(node));
        bool columns = place.Column is null && place.Key == "columns" && element == typeof(ColumnSchema);
        for (int i = 0; i < array.Count; i++)
        {
            var at = columns
                ? new Place(place.File, ColumnLabel(array[i], i), null)
                : place with { Key = $"{place.Key}[{i + 1}]" };
            CheckValue(array[i], element, ElementNullable(element), at);
        }
    }

    private static void CheckObject(JsonNode node, Type type, Place place)
    {
        if (node is not JsonObject obj) throw place.Error(Describe(type) + Got(node));
        var parameters = Keys(type);
        var keys = parameters.Select(p => p.Name).ToArray();
        foreach (var (key, _) in obj)
            if (!keys.Contains(key, StringComparer.Ordinal))
                throw place.Error($"one of the keys {string.Join(", ", keys)} (unknown key \"{key}\"{Suggest(key, keys)})");
        foreach (var p in parameters)
        {
            if (!obj.TryGetPropertyValue(p.Name, out var value))
            {
                if (!p.HasDefault && !p.Nullable)
                    throw place.Error($"an object with the key \"{p.Name}\" ({Describe(p.Type)}), but it is missing");
                continue;
            }
            CheckValue(value, p.Type, p.Nullable || p.HasDefault && p.Default is null, place.Into(p.Name));
        }
    }

    // Every column asks again for the same few types' keys and enum names: computed once per type.
    private static readonly ConcurrentDictionary<Type, ObjectKey[]> KeysByType = new();
    private static readonly ConcurrentDictionary<Type, string[]> EnumNamesByType = new();

    private static ObjectKey[] Keys(Type type) => KeysByType.GetOrAdd(type, ReadKeys);

    // The keys of a record: its constructor parameters, in their order, named as the options name them.
    private static ObjectKey[] ReadKeys(Type type) =>
        TableSchemaJson.Options.GetTypeInfo(type).Properties
            .Where(p => p.AssociatedParameter is { IsMemberInitializer: false })
            .OrderBy(p => p.AssociatedParameter!.Position)
            .Select(p => new ObjectKey(p.Name, p.PropertyType, p.AssociatedParameter!.IsNullable, p.AssociatedParameter.HasDefaultValue, p.AssociatedParameter.DefaultValue))
            .ToArray();

    private static Type? ListElement(Type type) =>
        TableSchemaJson.Options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Enumerable } list ? list.ElementType : null;

    // Elements of the schema's lists (column records, category texts, missing markers) may not be null.
    private static bool ElementNullable(Type element) => Nullable.GetUnderlyingType(element) is not null;

    private static string[] EnumNames(Type type) =>
        EnumNamesByType.GetOrAdd(type, t => Enum.GetNames(t).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)).ToArray());

    /// <summary>What a value of <paramref name="type"/> looks like, in the words of the schema file.</summary>
    private static string Describe(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) type = underlying;
        if (type == typeof(string)) return "a text in double quotes";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a finite number";
        if (type.IsEnum) return "one of " + string.Join(", ", EnumNames(type));
        if (ListElement(type) is { } element) return element == typeof(string) ? "a list of texts" : "a list of objects";
        return "an object with the keys " + string.Join(", ", Keys(type).Select(p => p.Name));
    }

    private static string ColumnLabel(JsonNode? column, int index) =>
        column is JsonObject o && o["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > 0
            ? v.GetValue<string>()
            : $"column {(index + 1).ToString(CultureInfo.InvariantCulture)}";

    private static string Got(JsonNode? node)
    {
        if (node is null) return ", got null";
        string text = node.ToJsonString();
        if (text.Length > 40) text = text[..40] + "…";
        return ", got " + text.Replace('\r', ' ').Replace('\n', ' ');
    }

    private static string Suggest(string key, string[] keys) =>
        NearestName.Find(key, keys) is { } near ? $"; did you mean \"{near}\"?" : "";
}
