using DpSynth.Models.Tabular;

namespace DpSynth.Cli;

/// <summary>Reads a user's table for a command, under their schema or, without one, an inferred one.</summary>
internal static class TableInput
{
    /// <summary>The table at <paramref name="path"/> and the schema it was read under; bad input becomes one CLI error line.</summary>
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
