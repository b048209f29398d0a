using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.ModelFiles;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dpsynth-modelfile-" + Guid.NewGuid().ToString("N"));

    public ModelFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelFileContent Sample()
    {
        var rng = new Random(3);
        float[] w = Enumerable.Range(0, 7 * 33).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, 33).Select(i => i * 0.25f).ToArray();
        var schema = new TableSchema([new ColumnSchema("age", ColumnKind.Continuous, Bounds: new DeclaredBounds(0, 120, true)),
            new ColumnSchema("sex", ColumnKind.Categorical, Categories: new DeclaredCategories(["F", "M"], true))]);
        return new ModelFileContent("tablediffusion", new JsonObject { ["hidden"] = new JsonArray(128, 128), ["steps"] = 3 },
            [new ModelTensor("layer0.weight", [7, 33], w), new ModelTensor("layer0.bias", [33], b), new ModelTensor("empty", [0, 4], [])])
        {
            Schema = schema,
            EncoderParameters = new JsonObject { ["columns"] = new JsonArray("age", "sex") },
        };
    }

    private string Saved(out ModelFileContent content)
    {
        content = Sample();
        string path = Path.Combine(_dir, "model.dpsynth");
        ModelFile.Save(path, content);
        return path;
    }

    [Fact]
    public void RoundTripKeepsWeightsSchemaAndParameters()
    {
        string path = Saved(out var original);
        var loaded = ModelFile.Load(path);
        Assert.Equal("tablediffusion", loaded.ModelKind);
        Assert.Equal(3, (int)loaded.HyperParameters["steps"]!);
        Assert.Equal(original.Tensors.Count, loaded.Tensors.Count);
        for (int i = 0; i < original.Tensors.Count; i++)
        {
            Assert.Equal(original.Tensors[i].Name, loaded.Tensors[i].Name);
            Assert.Equal(original.Tensors[i].Shape, loaded.Tensors[i].Shape);
            Assert.Equal(original.Tensors[i].Data, loaded.Tensors[i].Data);
        }
        Assert.Equal(TableSchemaJson.ToJson(original.Schema!), TableSchemaJson.ToJson(loaded.Schema!));
        Assert.Equal(original.EncoderParameters!.ToJsonString(), loaded.EncoderParameters!.ToJsonString());
        Assert.Equal(ModelFile.LibraryVersion, loaded.LibraryVersion);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void RoundTripKeepsLedger()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1.0, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 42));
        string path = Path.Combine(_dir, "ledger.dpsynth");
        ModelFile.Save(path, Sample() with { Ledger = ledger });
        var loaded = ModelFile.Load(path);
        Assert.NotNull(loaded.Ledger);
        Assert.Equal(ledger.ToJson(), loaded.Ledger!.ToJson());
    }

    [Fact]
    public void BlobsAreRawLittleEndianFloat32()
    {
        string path = Saved(out var original);
        using var zip = ZipFile.OpenRead(path);
        var manifest = ModelFile.ReadManifest(path);
        var bias = manifest.Tensors.Single(t => t.Name == "layer0.bias");
        using var s = zip.GetEntry(bias.Blob)!.Open();
        var bytes = new byte[bias.Bytes];
        s.ReadExactly(bytes);
        Assert.Equal(original.Tensor("layer0.bias").Data[5], BitConverter.ToSingle(bytes, 5 * 4));
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        string path = Saved(out _);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("truncated", e.Message);
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void FlippedByteInBlobIsRefused()
    {
        string path = Saved(out var original);
        var bytes = File.ReadAllBytes(path);
        // Find the bias blob's raw bytes in the (stored, uncompressed) container and flip one bit.
        byte[] needle = new byte[16];
        Buffer.BlockCopy(original.Tensor("layer0.bias").Data, 40, needle, 0, 16);
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        bytes[at + 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("layer0.bias", e.Message);
    }

    [Fact]
    public void RewrittenBlobWithValidZipFailsChecksum()
    {
        string path = Saved(out _);
        var manifest = ModelFile.ReadManifest(path);
        var blob = manifest.Tensors.Single(t => t.Name == "layer0.weight").Blob;
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(blob)!;
            var data = new byte[entry.Length];
            using (var s = entry.Open()) s.ReadExactly(data);
            data[10] ^= 1;
            entry.Delete();
            using var w = zip.CreateEntry(blob, CompressionLevel.NoCompression).Open();
            w.Write(data);
        }
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("layer0.weight", e.Message);
    }

    [Fact]
    public void HugeShapeIsRefusedBeforeAllocation()
    {
        string path = Saved(out _);
        EditManifest(path, m => m["tensors"]![0]!["shape"] = new JsonArray(1_000_000_000L, 1_000_000_000L));
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("impossible shape", e.Message);

        EditManifest(path, m =>
        {
            m["tensors"]![0]!["shape"] = new JsonArray(100_000, 10_000);
            m["tensors"]![0]!["bytes"] = 4_000_000_000L;
        });
        e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("layer0.weight", e.Message);
    }

    [Fact]
    public void WrongFormatVersionIsRefused()
    {
        string path = Saved(out _);
        EditManifest(path, m => m["format_version"] = 99);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Contains("format version 99 is not supported", e.Message);
    }

    [Fact]
    public void ExtraEntryAndMissingFileAreRefused()
    {
        string path = Saved(out _);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var w = new StreamWriter(zip.CreateEntry("payload.dll").Open())) w.Write("MZ");
        Assert.Contains("unexpected entry", Assert.Throws<ModelFileException>(() => ModelFile.Load(path)).Message);
        Assert.Contains("not found", Assert.Throws<ModelFileException>(() => ModelFile.Load(Path.Combine(_dir, "absent.dpsynth"))).Message);
    }

    /// <summary>Edits the manifest and, like a deliberate forger, writes its matching checksum.</summary>
    internal static void EditManifest(string path, Action<JsonObject> edit, bool rehash = true)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(ModelFile.ManifestEntry)!;
        JsonObject manifest;
        using (var s = entry.Open()) manifest = JsonNode.Parse(s)!.AsObject();
        edit(manifest);
        entry.Delete();
        byte[] bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        using (var w = zip.CreateEntry(ModelFile.ManifestEntry).Open()) w.Write(bytes);
        if (!rehash) return;
        zip.GetEntry(ModelFile.ManifestChecksumEntry)?.Delete();
        using var c = zip.CreateEntry(ModelFile.ManifestChecksumEntry).Open();
        c.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
    }
}
