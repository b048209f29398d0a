namespace DpSynth.Models.Tabular;

/// <summary>The table file formats DpSynth reads and writes.</summary>
public enum TableFileFormat
{
    /// <summary>Comma-separated text, RFC 4180.</summary>
    Csv,
    /// <summary>Tab-separated text (RFC 4180 quoting, a tab between fields).</summary>
    Tsv,
    /// <summary>Apache Parquet.</summary>
    Parquet,
}

/// <summary>Decides a file's format from its magic bytes and extension, refusing anything else.</summary>
public static class TableFileType
{
    private static readonly byte[] ParquetMagic = "PAR1"u8.ToArray();

    /// <summary>The file names DpSynth reads and writes tables under, as messages list them.</summary>
    public const string AcceptedNames = ".csv (comma-separated), .tsv (tab-separated) or .parquet";

    /// <summary>The format of an existing file: Parquet by its magic bytes, CSV or TSV by extension and text content.</summary>
    /// <exception cref="TableFormatException">The file is missing, or is neither CSV nor Parquet.</exception>
    public static TableFileFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[4096];
        int n;
        using (var s = OpenRead(path)) n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (head.StartsWith(ParquetMagic)) return TableFileFormat.Parquet;
        var named = ByName(path, "a table file named");
        if (named == TableFileFormat.Parquet)
            throw new TableFormatException(path, 0, null, "a Parquet file (it has a .parquet name but no PAR1 magic bytes)");
        // NUL bytes do not occur in UTF-8 text; a binary file renamed .csv is refused here rather than parsed as garbage.
        // (UTF-16 text starts with a BOM and is allowed.)
        bool utf16 = head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        if (!utf16 && head.Contains((byte)0))
            throw new TableFormatException(path, 0, null, "a CSV text file, got binary content");
        return named;
    }

    /// <summary>The format implied by an output file's extension.</summary>
    /// <exception cref="TableFormatException">The extension is not one of <see cref="AcceptedNames"/>.</exception>
    public static TableFileFormat FromExtension(string path) => ByName(path, "an output name ending in");

    /// <summary>The field separator of a text format.</summary>
    public static char Separator(TableFileFormat format) => format == TableFileFormat.Tsv ? '\t' : ',';

    private static TableFileFormat ByName(string path, string expected)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" => TableFileFormat.Csv,
            ".tsv" => TableFileFormat.Tsv,
            ".parquet" => TableFileFormat.Parquet,
            _ => throw new TableFormatException(path, 0, null, $"{expected} {AcceptedNames}, got {(ext.Length == 0 ? "no extension" : ext)}"),
        };
    }

    /// <summary>Opens a file for reading, turning "not found" and "denied" into <see cref="TableFormatException"/>.</summary>
    internal static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TableFormatException(path, 0, null, e is FileNotFoundException or DirectoryNotFoundException ? "an existing file" : $"a readable file ({e.Message})");
        }
    }
}

/// <summary>Reads a CSV or Parquet table, whichever the file is.</summary>
public static class TableReader
{
    /// <summary>Reads <paramref name="path"/> under <paramref name="schema"/> (null to read every column untyped, for inference).</summary>
    /// <exception cref="TableFormatException">The file is missing, of another format, malformed, or does not match the schema.</exception>
    public static Table Read(string path, TableSchema? schema, TableReadOptions? options = null) =>
        TableFileType.Detect(path) switch
        {
            TableFileFormat.Parquet => ParquetTableReader.Read(path, schema, options),
            _ => CsvTableReader.Read(path, schema, options),
        };
}
