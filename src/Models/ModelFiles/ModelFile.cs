using System.Buffers;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.ModelFiles;

/// <summary>
/// Reads and writes the model file: a zip container holding <c>manifest.json</c>, its SHA-256 in
/// <c>manifest.sha256</c>, and one raw little-endian float32 blob per tensor — no code and nothing
/// deserialised into objects beyond plain JSON. Loading checks the format version, the manifest's
/// checksum (so an edited manifest — a ledger removed or replaced — is refused), every blob's size
/// against its declared shape and every blob's SHA-256 before any weight array is allocated, so a
/// truncated, tampered, damaged or hostile file fails with a one-line <see cref="ModelFileException"/>
/// instead of a huge allocation or a half-loaded model.
/// </summary>
public static class ModelFile
{
    /// <summary>The container format version this library writes and reads (2: the manifest is checksummed).</summary>
    public const int FormatVersion = 2;

    /// <summary>Name of the manifest entry.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>Name of the entry holding the manifest's lower-case hex SHA-256.</summary>
    public const string ManifestChecksumEntry = "manifest.sha256";

    // A manifest holds a schema, encoder parameters and a ledger; 16 MiB is far beyond any real one
    // and keeps a hostile entry from being read into memory whole.
    private const long MaxManifestBytes = 16L << 20;

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        // Compile-time metadata: no reflection on start-up, and nothing a trimmed binary could lose.
        TypeInfoResolver = ModelsJsonContext.Default,
    };

    /// <summary>Version of the running library, as written into new files.</summary>
    public static string LibraryVersion { get; } =
        typeof(ModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file renamed on success.</summary>
    /// <exception cref="ArgumentException">Tensor names are empty or repeated.</exception>
    public static void Save(string path, ModelFileContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(content.ModelKind);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in content.Tensors)
            if (!names.Add(t.Name)) throw new ArgumentException($"Tensor name '{t.Name}' occurs twice.", nameof(content));
        // JSON has no infinities or NaN: refuse them here, by name, before any file exists.
        RequireFinite(content.HyperParameters, "hyper_parameters");
        RequireFinite(content.EncoderParameters, "encoder");

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            var entries = new List<TensorBlobEntry>(content.Tensors.Count);
            for (int i = 0; i < content.Tensors.Count; i++)
            {
                var t = content.Tensors[i];
                byte[] bytes = ToLittleEndianBytes(t.Data);
                string blob = $"tensors/{i:D4}.f32";
                // Stored, not deflated: weights barely compress, and stored blobs can be mapped later.
                using (var s = zip.CreateEntry(blob, CompressionLevel.NoCompression).Open()) s.Write(bytes);
                entries.Add(new TensorBlobEntry(t.Name, t.Shape.Select(d => (long)d).ToArray(), blob, bytes.Length,
                    Convert.ToHexStringLower(SHA256.HashData(bytes))));
            }
            var manifest = new ModelManifest(FormatVersion, LibraryVersion, content.ModelKind,
                (JsonObject)content.HyperParameters.DeepClone(),
                content.Schema is null ? null : JsonNode.Parse(TableSchemaJson.ToJson(content.Schema)),
                content.EncoderParameters?.DeepClone(),
                content.Ledger is null ? null : JsonNode.Parse(content.Ledger.ToJson()),
                entries);
            byte[] manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions.TypeInfo<ModelManifest>());
            using (var m = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open()) m.Write(manifestBytes);
            using var c = zip.CreateEntry(ManifestChecksumEntry, CompressionLevel.NoCompression).Open();
            c.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(manifestBytes))));
        });
    }

    private static void RequireFinite(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) RequireFinite(value, $"{where}.{key}");
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) RequireFinite(a[i], $"{where}[{i}]");
                break;
            case JsonValue v when v.TryGetValue(out double d) && !double.IsFinite(d):
            case JsonValue v2 when v2.TryGetValue(out float f) && !float.IsFinite(f):
                throw new ArgumentException($"the model's {where} is not a finite number; a model file holds finite numbers only");
        }
    }

    /// <summary>Reads and validates the manifest only (no weights), e.g. to describe a model.</summary>
    /// <exception cref="ModelFileException">The file is missing, truncated, tampered or of another format version.</exception>
    public static ModelManifest ReadManifest(string path) => Guarded(path, () =>
    {
        using var stream = OpenFile(path);
        using var zip = OpenZip(path, stream);
        return ReadAndCheckManifest(path, zip, stream.Length);
    });

    /// <summary>Loads a model file, checking sizes and checksums of every blob before allocating the weights.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="readLedger">
    /// Whether to parse the embedded privacy ledger. Sampling is post-processing and never reads it;
    /// skipping it saves a noticeable share of a short command's start-up. Null ledger when false.
    /// </param>
    /// <exception cref="ModelFileException">The file is missing, truncated, tampered or of another format version.</exception>
    public static ModelFileContent Load(string path, bool readLedger = true) => Guarded(path, () => LoadChecked(path, readLedger));

    private static ModelFileContent LoadChecked(string path, bool readLedger)
    {
        using var stream = OpenFile(path);
        using var zip = OpenZip(path, stream);
        var manifest = ReadAndCheckManifest(path, zip, stream.Length);
        foreach (var t in manifest.Tensors) VerifyChecksum(path, zip, t);

        var tensors = new List<ModelTensor>(manifest.Tensors.Count);
        foreach (var t in manifest.Tensors)
        {
            var data = new float[t.Bytes / sizeof(float)];
            var bytes = MemoryMarshal.AsBytes(data.AsSpan());
            using (var s = zip.GetEntry(t.Blob)!.Open()) ReadBlob(path, t, s, bytes);
            if (!BitConverter.IsLittleEndian) ReverseEndianness(data);
            tensors.Add(new ModelTensor(t.Name, t.Shape.Select(d => (int)d).ToArray(), data));
        }
        return new ModelFileContent(manifest.ModelKind, manifest.HyperParameters, tensors)
        {
            Schema = ParseSchema(path, manifest.Schema),
            EncoderParameters = manifest.Encoder,
            Ledger = readLedger ? ParseLedger(path, manifest.PrivacyLedger) : null,
            LibraryVersion = manifest.LibraryVersion,
        };
    }

    /// <summary>
    /// Runs a read, turning whatever a damaged zip container throws (a corrupt central directory or
    /// local header, an unknown compression method, a stream that ends early) into one line.
    /// </summary>
    private static T Guarded<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or EndOfStreamException or ArgumentException or OverflowException
            || e is IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new ModelFileException(path, $"the file is damaged: its zip container cannot be read ({OneLine(e.Message)})", e);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.', ' ');

    private static FileStream OpenFile(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, e is FileNotFoundException or DirectoryNotFoundException ? "model file not found" : $"cannot open the model file ({e.Message})", e);
        }
    }

    private static ZipArchive OpenZip(string path, Stream stream)
    {
        try { return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(path, "not a complete model file (the zip container is truncated or is not a zip)", e);
        }
    }

    private static ModelManifest ReadAndCheckManifest(string path, ZipArchive zip, long fileLength)
    {
        var entry = zip.GetEntry(ManifestEntry) ?? throw new ModelFileException(path, $"no {ManifestEntry} in the container (not a model file?)");
        byte[] bytes = ReadBounded(path, entry, MaxManifestBytes);
        JsonNode? root;
        try { root = JsonNode.Parse(bytes); }
        catch (JsonException e) { throw new ModelFileException(path, $"{ManifestEntry} is not valid JSON ({OneLine(e.Message)})", e); }
        if (root is not JsonObject obj) throw new ModelFileException(path, $"{ManifestEntry} is not a JSON object");

        // The version is checked before the rest is interpreted: a newer layout may mean other fields.
        int version = obj["format_version"] is JsonValue v && v.TryGetValue(out int fv) ? fv : -1;
        if (version != FormatVersion)
            throw new ModelFileException(path, version < 0
                ? $"{ManifestEntry} has no integer format_version"
                : $"model file format version {version} is not supported (this library reads version {FormatVersion}; fit the model again)");
        CheckManifestChecksum(path, zip, bytes);

        ModelManifest? manifest;
        try { manifest = obj.Deserialize(JsonOptions.TypeInfo<ModelManifest>()); }
        catch (JsonException e) { throw new ModelFileException(path, $"{ManifestEntry} is malformed ({e.Message})", e); }
        if (manifest is null || string.IsNullOrWhiteSpace(manifest.ModelKind))
            throw new ModelFileException(path, $"{ManifestEntry} names no model_kind");
        ManifestChecks.CheckBlobs(path, manifest, zip, fileLength);
        return manifest;
    }

    /// <summary>Reads an entry whole, refusing one that expands beyond <paramref name="limit"/> bytes whatever its header claims.</summary>
    private static byte[] ReadBounded(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
            throw new ModelFileException(path, $"{entry.FullName} claims {entry.Length} bytes, over the {limit >> 10} KiB limit");
        using var s = entry.Open();
        using var memory = new MemoryStream();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int n;
            while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (memory.Length + n > limit)
                    throw new ModelFileException(path, $"{entry.FullName} expands beyond the {limit >> 10} KiB limit");
                memory.Write(buffer, 0, n);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return memory.ToArray();
    }

    // The manifest holds the ledger, the schema and the blobs' checksums: a file whose manifest was
    // edited (a ledger removed or replaced, a bound widened) must not load as if it were the fitted model.
    private static void CheckManifestChecksum(string path, ZipArchive zip, byte[] manifest)
    {
        var entry = zip.GetEntry(ManifestChecksumEntry)
            ?? throw new ModelFileException(path, $"no {ManifestChecksumEntry} in the container (the manifest cannot be verified)");
        string recorded = System.Text.Encoding.ASCII.GetString(ReadBounded(path, entry, 256)).Trim();
        string actual = Convert.ToHexStringLower(SHA256.HashData(manifest));
        if (!string.Equals(recorded, actual, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException(path, $"{ManifestEntry} fails its SHA-256 checksum (the manifest was edited or damaged)");
    }

    private static void VerifyChecksum(string path, ZipArchive zip, TensorBlobEntry t)
    {
        // Hashed by streaming through a small pooled buffer: nothing the size of the tensor exists yet.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            using (var s = zip.GetEntry(t.Blob)!.Open())
            {
                int n;
                while ((n = ReadSome(path, t, s, buffer)) > 0)
                {
                    total += n;
                    if (total > t.Bytes) break;
                    hash.AppendData(buffer, 0, n);
                }
            }
            if (total != t.Bytes)
                throw new ModelFileException(path, $"blob '{t.Name}' has {total} bytes, its shape needs {t.Bytes}");
            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, t.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelFileException(path, $"blob '{t.Name}' fails its SHA-256 checksum (the file was modified or damaged)");
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private static int ReadSome(string path, TensorBlobEntry t, Stream s, byte[] buffer)
    {
        try { return s.Read(buffer, 0, buffer.Length); }
        catch (InvalidDataException e) { throw new ModelFileException(path, $"blob '{t.Name}' is corrupt ({e.Message})", e); }
    }

    private static void ReadBlob(string path, TensorBlobEntry t, Stream s, Span<byte> into)
    {
        try { s.ReadExactly(into); }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new ModelFileException(path, $"blob '{t.Name}' could not be read ({e.Message})", e);
        }
    }

    private static TableSchema? ParseSchema(string path, JsonNode? node)
    {
        if (node is null) return null;
        try { return TableSchemaJson.Parse(node.ToJsonString(), path + "#schema"); }
        catch (TableFormatException e) { throw new ModelFileException(path, $"the embedded schema is invalid ({e.Message})", e); }
    }

    private static PrivacyLedger? ParseLedger(string path, JsonNode? node)
    {
        if (node is null) return null;
        try { return PrivacyLedger.FromJson(node.ToJsonString()); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ModelFileException(path, $"the embedded privacy ledger is invalid ({e.Message})", e);
        }
    }

    private static byte[] ToLittleEndianBytes(float[] data)
    {
        var bytes = MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            var ints = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
            System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(ints, ints);
        }
        return bytes;
    }

    private static void ReverseEndianness(float[] data)
    {
        var ints = MemoryMarshal.Cast<float, int>(data.AsSpan());
        System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(ints, ints);
    }
}
