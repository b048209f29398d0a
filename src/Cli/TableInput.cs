using DpSynth.Models.Tabular;

namespace DpSynth.Cli;

/// <summary>Reads a user's table for a command, under their schema or, without one, an inferred one.</summary>
internal static class TableInput
{
    /// <summary>
    /// The private table at <paramref name="path"/> for a DP fit: typed under the user's schema, or —
    /// without one — read untyped with a null schema, so that the fit infers the schema with DP on
    /// its own ledger (nothing about the data is decided here). Bad input becomes one CLI error line.
    /// </summary>
    public static (Table Table, TableSchema? Schema) ReadPrivate(string path, string? schemaPath)
    {
        if (schemaPath is not null) return Read(path, schemaPath);
        try { return (TableReader.Read(path, null), null); }
        catch (TableFormatException e) { throw new CliInputException(e.Message); }
        catch (IOException e) { throw new CliInputException(e.Message); }
    }

    /// <summary>
    /// The table at <paramref name="path"/> and the schema it was read under — without a schema file,
    /// one proposed by <see cref="SchemaInference"/>, which reads the data without DP: for tables
    /// that are not released (an analyst's own data, evaluation), never for a DP fit.
    /// </summary>
    public static (Table Table, TableSchema Schema) Read(string path, string? schemaPath)
    {
        try
        {
            if (schemaPath is not null)
            {
                var schema = TableSchemaJson.Load(schemaPath);
                return (TableReader.Read(path, schema), schema);
            }
            // Inference may choose other kinds than a schema-less read (e.g. few-valued integers as
            // ordinal), so the table is read again under the inferred schema.
            var inferred = SchemaInference.Infer(TableReader.Read(path, null));
            return (TableReader.Read(path, inferred), inferred);
        }
        catch (TableFormatException e) { throw new CliInputException(e.Message, e); }
        catch (IOException e) { throw new CliInputException(e.Message, e); }
    }
}
