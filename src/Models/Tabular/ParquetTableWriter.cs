using Parquet;
using Parquet.Schema;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Writes a table as a Parquet file with one row group: integers as int64, continuous values as
/// double, booleans as boolean and labels as UTF-8 strings; missing values as nulls.
/// </summary>
public static class ParquetTableWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> through a temporary file.</summary>
    public static void Write(Table table, string path) =>
        // Parquet.Net only offers async IO; this library's writing API is synchronous.
        AtomicFile.Write(path, stream => WriteAsync(table, stream).GetAwaiter().GetResult());

    private static async Task WriteAsync(Table table, Stream stream)
    {
        var fields = table.Columns.Select(FieldFor).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < fields.Length; c++)
        {
            var field = fields[c];
            switch (table.Columns[c])
            {
                case NumericColumn n when n.Kind == ColumnKind.Integer:
                    var longs = new long?[n.Length];
                    for (int i = 0; i < longs.Length; i++) longs[i] = double.IsNaN(n.Values[i]) ? null : (long)n.Values[i];
                    await group.WriteAsync<long>(field, longs);
                    break;
                case NumericColumn n:
                    var doubles = new double?[n.Length];
                    for (int i = 0; i < doubles.Length; i++) doubles[i] = double.IsNaN(n.Values[i]) ? null : n.Values[i];
                    await group.WriteAsync<double>(field, doubles);
                    break;
                case CategoricalColumn k when k.Kind == ColumnKind.Boolean:
                    var bools = new bool?[k.Length];
                    for (int i = 0; i < bools.Length; i++) bools[i] = k.ValueAt(i) is string s ? BooleanText.Parse(s) == 1 : null;
                    await group.WriteAsync<bool>(field, bools);
                    break;
                case CategoricalColumn k:
                    var strings = new string?[k.Length];
                    for (int i = 0; i < strings.Length; i++) strings[i] = k.ValueAt(i);
                    await group.WriteAsync(field, strings!);
                    break;
            }
        }
        group.CompleteValidate();
    }

    private static DataField FieldFor(TableColumn c) => c switch
    {
        NumericColumn { Kind: ColumnKind.Integer } => new DataField<long?>(c.Name),
        NumericColumn => new DataField<double?>(c.Name),
        CategoricalColumn { Kind: ColumnKind.Boolean } => new DataField<bool?>(c.Name),
        _ => new DataField<string>(c.Name, nullable: true),
    };
}

/// <summary>Writes a table in the format its output name implies.</summary>
public static class TableWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> (.csv or .parquet) through a temporary file.</summary>
    /// <exception cref="TableFormatException">The output name is neither .csv nor .parquet.</exception>
    public static void Write(Table table, string path)
    {
        if (TableFileType.FromExtension(path) == TableFileFormat.Parquet) ParquetTableWriter.Write(table, path);
        else CsvTableWriter.Write(table, path);
    }
}
