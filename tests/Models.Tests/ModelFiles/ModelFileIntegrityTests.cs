using System.IO.Compression;
using System.Text.Json.Nodes;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tests.Generators;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.ModelFiles;

/// <summary>
/// A model file is checked whole before it is used: an edited manifest (a ledger removed or
/// replaced), a damaged zip container at any byte, and hyper-parameters that describe a network
/// the stored weights do not fill are each one-line <see cref="ModelFileException"/>s, raised
/// before anything of the size the file claims is allocated.
/// </summary>
public sealed class ModelFileIntegrityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-integrity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SavedWithLedger()
    {
        var ledger = new PrivacyLedger(new PrivacyBudget(1.0, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 42));
        var content = new ModelFileContent("tablediffusion", new JsonObject { ["hidden"] = new JsonArray(8) },
            [new ModelTensor("w", [3, 5], Enumerable.Range(0, 15).Select(i => i * 0.5f).ToArray())])
        {
            Schema = new TableSchema([new ColumnSchema("age", ColumnKind.Integer)]),
            Ledger = ledger,
        };
        string path = Path.Combine(_dir, "m.dpsynth");
        ModelFile.Save(path, content);
        return path;
    }

    private static ModelFileException Refused(string path)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void AManifestWhoseLedgerWasDeletedIsRefused()
    {
        string path = SavedWithLedger();
        ModelFileTests.EditManifest(path, m => m.Remove("privacy_ledger"), rehash: false);
        Assert.Contains("manifest.json fails its SHA-256 checksum", Refused(path).Message);
    }

    [Fact]
    public void AManifestWhoseLedgerWasReplacedIsRefused()
    {
        string path = SavedWithLedger();
        ModelFileTests.EditManifest(path, m => m["privacy_ledger"]!["budget"]!["epsilon"] = 0.01, rehash: false);
        Assert.Contains("fails its SHA-256 checksum", Refused(path).Message);
    }

    [Fact]
    public void AManifestWithoutItsChecksumIsRefused()
    {
        string path = SavedWithLedger();
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update)) zip.GetEntry(ModelFile.ManifestChecksumEntry)!.Delete();
        Assert.Contains("manifest.sha256", Refused(path).Message);
    }

    [Fact]
    public void ACompressedBlobIsRefusedBeforeItIsInflated()
    {
        string path = SavedWithLedger();
        var blob = ModelFile.ReadManifest(path).Tensors[0].Blob;
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(blob)!;
            var data = new byte[entry.Length];
            using (var s = entry.Open()) s.ReadExactly(data);
            entry.Delete();
            using var w = zip.CreateEntry(blob, CompressionLevel.Optimal).Open();
            w.Write(data);
        }
        Assert.Contains("compressed", Refused(path).Message);
    }

    [Fact]
    public void EveryTruncationIsAOneLineModelFileError()
    {
        string path = SavedWithLedger();
        byte[] bytes = File.ReadAllBytes(path);
        string cut = Path.Combine(_dir, "cut.dpsynth");
        for (int length = 0; length < bytes.Length; length += Math.Max(1, length / 64))
        {
            File.WriteAllBytes(cut, bytes[..length]);
            Refused(cut);
        }
    }

    [Fact]
    public void EveryDamagedByteLoadsIntactOrIsAOneLineModelFileError()
    {
        string path = SavedWithLedger();
        var original = ModelFile.Load(path);
        byte[] bytes = File.ReadAllBytes(path);
        string damaged = Path.Combine(_dir, "damaged.dpsynth");
        int refused = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[i] ^= 0xA5;
            File.WriteAllBytes(damaged, copy);
            try
            {
                // Bytes a reader ignores (timestamps, "version made by") may be damaged harmlessly:
                // then the content must be exactly what was written.
                var loaded = ModelFile.Load(damaged);
                Assert.Equal(original.Tensors[0].Data, loaded.Tensors[0].Data);
                Assert.Equal(original.Ledger!.ToJson(), loaded.Ledger!.ToJson());
            }
            catch (ModelFileException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                refused++;
            }
        }
        Assert.True(refused > bytes.Length / 2, $"only {refused} of {bytes.Length} damaged bytes were noticed");
    }

    [Fact]
    public void NotAZipAtAllIsAOneLineModelFileError()
    {
        string path = Path.Combine(_dir, "text.dpsynth");
        File.WriteAllText(path, "age,sex\n31,M\n");
        Assert.Contains("zip", Refused(path).Message);
        File.WriteAllBytes(path, []);
        Refused(path);
    }

    [Theory]
    [InlineData(100_000, 100_000)] // beyond the sane limit of a hidden width
    [InlineData(8_000, 8_000)]     // within it, but far more weights than the file holds
    [InlineData(16, 16)]           // a plausible network, yet not the one the weights fill
    public void HyperParametersThatDescribeAnotherDenoiserAreRefusedBeforeAllocating(int first, int second)
    {
        using var backend = new SimdBackend();
        var model = TinyDiffusionFit.Fit(backend, TableDiffusionOptions.Paper with { Epochs = 1, Hidden = [8] }, rows: 300);
        string path = Path.Combine(_dir, $"h{first}.dpsynth");
        model.Save(path);
        ModelFileTests.EditManifest(path, m => m["hyper_parameters"]!["hidden"] = new JsonArray(first, second));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFileException>(() => TableDiffusionModel.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(allocated < 64L << 20, $"{allocated} bytes were allocated before the refusal");
    }
}
