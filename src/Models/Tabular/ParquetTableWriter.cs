using Parquet;
using Parquet.Schema;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Writes tables as Parquet: integers as int64, continuous values as double, booleans as boolean
/// and labels as UTF-8 strings; missing values as nulls. A table is one row group; a stream of
/// batches is one row group per batch, holding one batch in memory at a time.
/// </summary>
public static class ParquetTableWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> through a temporary file.</summary>
    public static void Write(Table table, string path) => Write(path, [table]);

    /// <summary>
    /// Writes <paramref name="batches"/> to <paramref name="path"/> through a temporary file renamed
    /// only when every batch was written; returns the number of rows written.
    /// </summary>
    /// <exception cref="ArgumentException">A batch's columns differ from the first batch's.</exception>
    public static long Write(string path, IEnumerable<Table> batches)
    {
        long rows = 0;
        // Parquet.Net only offers async IO; this library's writing API is synchronous.
        AtomicFile.Write(path, stream => rows = WriteAsync(batches, stream).GetAwaiter().GetResult());
        return rows;
    }

    /// <summary>Writes <paramref name="batches"/> as one Parquet file to <paramref name="stream"/>; returns the number of rows.</summary>
    internal static async Task<long> WriteAsync(IEnumerable<Table> batches, Stream stream)
    {
        ParquetWriter? writer = null;
        DataField[]? fields = null;
        long rows = 0;
        try
        {
            foreach (var table in batches)
            {
                if (fields is null)
                {
                    fields = table.Columns.Select(FieldFor).ToArray();
                    writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
                }
                else if (!table.Columns.Select(FieldFor).SequenceEqual(fields, FieldComparer.Instance))
                    throw new ArgumentException("A batch's columns differ from the first batch's.");
                await WriteRowGroupAsync(writer!, fields, table);
                rows += table.RowCount;
            }
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
        return rows;
    }

    private sealed class FieldComparer : IEqualityComparer<DataField>
    {
        public static readonly FieldComparer Instance = new();
        public bool Equals(DataField? a, DataField? b) => a is not null && b is not null && a.Name == b.Name && a.ClrType == b.ClrType;
        public int GetHashCode(DataField f) => f.Name.GetHashCode(StringComparison.Ordinal);
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, DataField[] fields, Table table)
    {
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
