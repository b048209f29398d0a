using System.IO.Compression;

namespace DpSynth.Models.ModelFiles;

/// <summary>
/// Consistency checks on a parsed manifest against the container, run before any blob is read:
/// declared shapes, sizes and entries must agree, and nothing else may be in the zip.
/// </summary>
internal static class ManifestChecks
{
    /// <summary>Largest tensor a model file may declare; a float[] cannot be longer.</summary>
    private static readonly long MaxElements = Array.MaxLength;

    public static void CheckBlobs(string path, ModelManifest manifest, ZipArchive zip, long fileLength)
    {
        if (manifest.HyperParameters is null) throw new ModelFileException(path, "manifest.json has no hyper_parameters object");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var blobs = new HashSet<string>(StringComparer.Ordinal) { ModelFile.ManifestEntry, ModelFile.ManifestChecksumEntry };
        long declaredTotal = 0;
        foreach (var t in manifest.Tensors ?? throw new ModelFileException(path, "manifest.json has no tensors list"))
        {
            if (string.IsNullOrEmpty(t.Name) || !names.Add(t.Name))
                throw new ModelFileException(path, $"tensor name '{t.Name}' is empty or repeated in manifest.json");
            if (string.IsNullOrEmpty(t.Blob) || !t.Blob.StartsWith("tensors/", StringComparison.Ordinal) || !blobs.Add(t.Blob))
                throw new ModelFileException(path, $"tensor '{t.Name}' names an invalid or repeated blob '{t.Blob}'");
            long elements = Elements(path, t);
            if (t.Bytes != elements * sizeof(float))
                throw new ModelFileException(path, $"tensor '{t.Name}' declares {t.Bytes} bytes, its shape [{string.Join(", ", t.Shape)}] needs {elements * sizeof(float)}");
            if (t.Sha256 is null || t.Sha256.Length != 64 || !t.Sha256.All(Uri.IsHexDigit))
                throw new ModelFileException(path, $"tensor '{t.Name}' has no valid sha256 in manifest.json");
            var entry = zip.GetEntry(t.Blob) ?? throw new ModelFileException(path, $"blob '{t.Blob}' of tensor '{t.Name}' is missing from the container");
            if (entry.Length != t.Bytes)
                throw new ModelFileException(path, $"blob '{t.Name}' holds {entry.Length} bytes, its shape needs {t.Bytes}");
            // Stored, as the writer stores them: a compressed blob could expand far beyond the file.
            if (entry.CompressedLength != entry.Length)
                throw new ModelFileException(path, $"blob '{t.Name}' is compressed; a model file stores its blobs uncompressed");
            declaredTotal += entry.CompressedLength;
            // Blobs are stored uncompressed, so they cannot together be larger than the file.
            if (declaredTotal > fileLength)
                throw new ModelFileException(path, $"the blobs claim {declaredTotal} bytes, more than the {fileLength}-byte file (truncated?)");
        }
        foreach (var entry in zip.Entries)
            if (!blobs.Contains(entry.FullName))
                throw new ModelFileException(path, $"unexpected entry '{entry.FullName}' (a model file holds only manifest.json and the tensors it lists)");
    }

    private static long Elements(string path, TensorBlobEntry t)
    {
        if (t.Shape is null) throw new ModelFileException(path, $"tensor '{t.Name}' has no shape");
        long count = 1;
        foreach (long d in t.Shape)
        {
            if (d < 0 || d > MaxElements || (d > 0 && count > MaxElements / d))
                throw new ModelFileException(path, $"tensor '{t.Name}' declares an impossible shape [{string.Join(", ", t.Shape)}]");
            count *= d;
        }
        return count;
    }
}
