using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Reads flat Parquet files into typed columns, one row group at a time. Typed Parquet numbers go
/// straight into numeric columns; text is dictionary-encoded as it is read.
/// </summary>
public static class ParquetTableReader
{
    /// <summary>Reads the Parquet file at <paramref name="path"/>.</summary>
    /// <exception cref="TableFormatException">The file is malformed or does not match the schema.</exception>
    public static Table Read(string path, TableSchema? schema, TableReadOptions? options = null)
    {
        // Parquet.Net only offers async IO; this library's reading API is synchronous.
        try { return ReadAsync(path, schema, options).GetAwaiter().GetResult(); }
        catch (TableFormatException) { throw; }
        // A corrupt file can make the third-party decoder fail in any number of ways (bad Thrift
        // metadata, out-of-range offsets); all of them are bad input, reported in one line.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new TableFormatException(path, 0, null, $"a readable Parquet file ({e.Message})");
        }
    }

    private static async Task<Table> ReadAsync(string path, TableSchema? schema, TableReadOptions? options)
    {
        options ??= new TableReadOptions();
        var markers = options.ResolveMissingMarkers(schema).ToHashSet(StringComparer.Ordinal);
        await using var stream = TableFileType.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        foreach (var f in fields)
            if (f.IsArray || f.MaxRepetitionLevel > 0 || f.Path.Length > 1)
                throw new TableFormatException(path, 0, f.Name, "flat columns (nested and repeated fields are not supported)");
        if (fields.Length == 0) throw new TableFormatException(path, 0, null, "at least one column");

        var builders = schema is null
            ? fields.Select(f => BuilderFor(path, f)).ToArray()
            : TableBinding.CreateBuilders(path, fields.Select(f => f.Name).ToArray(), schema);
        long firstRow = 1;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            for (int c = 0; c < fields.Length; c++)
            {
                if (builders[c] is SkippedColumnBuilder) continue;
                await ReadColumn(group, fields[c], rows, builders[c], firstRow, markers, path);
            }
            firstRow += rows;
        }
        return TableBinding.Build(path, builders);
    }

    /// <summary>Without a schema the Parquet types decide: numbers stay numbers, booleans stay booleans, text is labels.</summary>
    private static ColumnBuilder BuilderFor(string file, DataField f)
    {
        var t = f.ClrType;
        if (t == typeof(bool)) return new CategoricalColumnBuilder(file, f.Name, ColumnKind.Boolean, true);
        if (IsIntegral(t)) return new NumericColumnBuilder(file, f.Name, ColumnKind.Integer, true);
        if (IsNumber(t)) return new NumericColumnBuilder(file, f.Name, ColumnKind.Continuous, true);
        return new CategoricalColumnBuilder(file, f.Name, ColumnKind.Categorical, true);
    }

    private static ValueTask ReadColumn(ParquetRowGroupReader g, DataField f, int rows, ColumnBuilder b, long firstRow, HashSet<string> markers, string file)
    {
        var t = f.ClrType;
        if (t == typeof(double)) return ReadNumbers<double>(g, f, rows, b, firstRow);
        if (t == typeof(float)) return ReadNumbers<float>(g, f, rows, b, firstRow);
        if (t == typeof(int)) return ReadNumbers<int>(g, f, rows, b, firstRow);
        if (t == typeof(long)) return ReadNumbers<long>(g, f, rows, b, firstRow);
        if (t == typeof(short)) return ReadNumbers<short>(g, f, rows, b, firstRow);
        if (t == typeof(sbyte)) return ReadNumbers<sbyte>(g, f, rows, b, firstRow);
        if (t == typeof(byte)) return ReadNumbers<byte>(g, f, rows, b, firstRow);
        if (t == typeof(ushort)) return ReadNumbers<ushort>(g, f, rows, b, firstRow);
        if (t == typeof(uint)) return ReadNumbers<uint>(g, f, rows, b, firstRow);
        if (t == typeof(ulong)) return ReadNumbers<ulong>(g, f, rows, b, firstRow);
        if (t == typeof(decimal)) return ReadNumbers<decimal>(g, f, rows, b, firstRow);
        if (t == typeof(bool)) return ReadBooleans(g, f, rows, b, firstRow);
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return ReadStrings(g, f, rows, b, firstRow, markers);
        throw new TableFormatException(file, 0, f.Name, $"a number, boolean or text column, got Parquet type {t.Name}");
    }

    private static async ValueTask ReadNumbers<T>(ParquetRowGroupReader g, DataField f, int rows, ColumnBuilder b, long firstRow)
        where T : struct, INumberBase<T>
    {
        var values = new T?[rows];
        await g.ReadAsync<T>(f, values.AsMemory());
        for (int i = 0; i < rows; i++)
        {
            long row = firstRow + i;
            if (values[i] is not T v) { b.AddMissing(row); continue; }
            double d = double.CreateTruncating(v);
            if (b is NumericColumnBuilder nb) nb.AddNumber(d, row);
            else b.Add(d.ToString("R", CultureInfo.InvariantCulture), row);
        }
    }

    private static async ValueTask ReadBooleans(ParquetRowGroupReader g, DataField f, int rows, ColumnBuilder b, long firstRow)
    {
        var values = new bool?[rows];
        await g.ReadAsync<bool>(f, values.AsMemory());
        for (int i = 0; i < rows; i++)
        {
            long row = firstRow + i;
            if (values[i] is not bool v) b.AddMissing(row);
            else if (b is NumericColumnBuilder nb) nb.AddNumber(v ? 1 : 0, row);
            else b.Add(v ? "true" : "false", row);
        }
    }

    private static async ValueTask ReadStrings(ParquetRowGroupReader g, DataField f, int rows, ColumnBuilder b, long firstRow, HashSet<string> markers)
    {
        var values = new string?[rows];
        await g.ReadAsync(f, values.AsMemory());
        for (int i = 0; i < rows; i++)
        {
            long row = firstRow + i;
            string? v = values[i];
            if (v is null || markers.Contains(v)) b.AddMissing(row);
            else b.Add(v, row);
        }
    }

    private static bool IsIntegral(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte)
        || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

    private static bool IsNumber(Type t) => IsIntegral(t) || t == typeof(double) || t == typeof(float) || t == typeof(decimal);
}
