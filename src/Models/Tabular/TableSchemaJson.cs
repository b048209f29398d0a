using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>Reads and writes <see cref="TableSchema"/> as JSON, refusing malformed or contradictory schemas with a located message.</summary>
public static class TableSchemaJson
{
    /// <summary>How schemas are written and read; metadata from the source-generated <see cref="ModelsJsonContext"/>, not reflection.</summary>
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A typo in a property name ("publc") must not silently make bounds private or a list open.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        // Written for people to read and edit ("<=50K", "Côte d'Ivoire"), never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { TabularJsonEnums.Kind, TabularJsonEnums.Role, TabularJsonEnums.Transform },
        TypeInfoResolver = ModelsJsonContext.Default,
    };

    /// <summary>Reads a schema file.</summary>
    /// <exception cref="TableFormatException">The file is not a valid schema.</exception>
    public static TableSchema Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TableFormatException(path, 0, null, $"a readable schema file ({e.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>Parses schema JSON; <paramref name="file"/> names it in error messages.</summary>
    /// <exception cref="TableFormatException">The text is not a valid schema.</exception>
    public static TableSchema Parse(string json, string file)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException e)
        {
            throw new TableFormatException(file, (e.LineNumber ?? -1) + 1, null,
                json.AsSpan().Trim().IsEmpty ? "a JSON schema, but the file is empty" : "valid JSON (" + FirstSentence(e.Message) + ")");
        }
        // Typos are reported in the schema's own terms before the serializer sees them.
        SchemaJsonShape.Check(root, file);
        TableSchema? schema;
        try { schema = root.Deserialize(Options.TypeInfo<TableSchema>()); }
        catch (JsonException e) { throw new TableFormatException(file, 0, null, $"a valid schema at {e.Path ?? "the top level"}"); }
        if (schema is null) throw new TableFormatException(file, 0, null, "a schema object, got null");
        Validate(schema, file);
        return schema;
    }

    /// <summary>Writes the schema as indented JSON.</summary>
    public static string ToJson(TableSchema schema) => JsonSerializer.Serialize(schema, Options.TypeInfo<TableSchema>());

    private static void Validate(TableSchema schema, string file)
    {
        if (schema.Columns.Count == 0) throw new TableFormatException(file, 0, null, "at least one column in \"columns\"");
        if (schema.Rows is { } rows && rows.Public is < 1 or > int.MaxValue)
            throw new TableFormatException(file, 0, null, $"\"rows\": {{\"public\": N}} with 1 <= N <= {int.MaxValue}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        int labels = 0;
        foreach (var c in schema.Columns)
        {
            if (string.IsNullOrEmpty(c.Name)) throw new TableFormatException(file, 0, null, "every column to have a non-empty \"name\"");
            if (!names.Add(c.Name)) throw new TableFormatException(file, 0, c.Name, "column names to be unique");
            if (c.Role == ColumnRole.Label) labels++;
            if (c.Bounds is { } b)
            {
                if (!c.Kind.IsNumeric()) throw new TableFormatException(file, 0, c.Name, $"no \"bounds\" on a {Name(c.Kind)} column");
                if (!double.IsFinite(b.Min) || !double.IsFinite(b.Max) || !(b.Min < b.Max))
                    throw new TableFormatException(file, 0, c.Name, "finite bounds with min < max");
            }
            if (c.Categories is { } cats)
            {
                if (c.Kind is not (ColumnKind.Categorical or ColumnKind.Ordinal))
                    throw new TableFormatException(file, 0, c.Name, $"no \"categories\" on a {Name(c.Kind)} column");
                if (cats.Values.Count == 0) throw new TableFormatException(file, 0, c.Name, "a non-empty category list");
                if (cats.Values.Distinct(StringComparer.Ordinal).Count() != cats.Values.Count)
                    throw new TableFormatException(file, 0, c.Name, "distinct categories");
            }
            if (c.Precision is int digits)
            {
                if (c.Kind != ColumnKind.Continuous) throw new TableFormatException(file, 0, c.Name, $"no \"precision\" on a {Name(c.Kind)} column (integers are whole numbers already)");
                if (digits is < 0 or > MaxPrecision) throw new TableFormatException(file, 0, c.Name, $"a \"precision\" (number of decimals) from 0 to {MaxPrecision}");
            }
            if (c.Labels is { } spellings)
            {
                if (c.Kind != ColumnKind.Boolean) throw new TableFormatException(file, 0, c.Name, $"no \"labels\" on a {Name(c.Kind)} column (they spell a boolean's false and true)");
                if (spellings.Count != 2 || spellings.Any(string.IsNullOrEmpty) || spellings[0] == spellings[1])
                    throw new TableFormatException(file, 0, c.Name, "\"labels\" as two distinct non-empty spellings, false first (e.g. [\"no\", \"yes\"])");
                if (BooleanText.Parse(spellings[0]) == 1 || BooleanText.Parse(spellings[1]) == 0)
                    throw new TableFormatException(file, 0, c.Name, "\"labels\" with the false spelling first and the true spelling second");
            }
        }
        if (labels > 1) throw new TableFormatException(file, 0, null, "at most one column with role \"label\"");
    }

    /// <summary>Most decimals a declared precision may have (what <see cref="Math.Round(double, int)"/> supports).</summary>
    public const int MaxPrecision = 15;

    internal static string Name(ColumnKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message.TrimEnd('.');
    }
}
