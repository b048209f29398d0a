using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators;

/// <summary>
/// Checks a table's columns against a schema by name and kind only — public structure, no value is
/// read — so that a mismatch is refused before a generator touches the private data.
/// </summary>
public static class SchemaMatch
{
    /// <summary>Throws when a modelled column of <paramref name="schema"/> is absent from <paramref name="table"/> or of another kind.</summary>
    /// <exception cref="TableFormatException">The first mismatch, naming the file and the column.</exception>
    public static void Check(Table table, TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        foreach (var c in schema.ModelledColumns)
        {
            var column = table.Find(c.Name) ?? throw new TableFormatException(table.Source, 1, c.Name, $"a column \"{c.Name}\" (the schema names it), but the data has none");
            if (column.Kind != c.Kind)
                throw new TableFormatException(table.Source, 1, c.Name, $"a {Name(c.Kind)} column (the schema's kind), but the data's column is {Name(column.Kind)}");
        }
    }

    private static string Name(ColumnKind kind) => kind.ToString().ToLowerInvariant();
}
