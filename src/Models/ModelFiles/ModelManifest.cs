using System.Text.Json.Nodes;

namespace DpSynth.Models.ModelFiles;

/// <summary>
/// The contents of <c>manifest.json</c> in a model file: everything about the model except the
/// weights themselves, which are listed in <see cref="Tensors"/> with shapes and checksums.
/// Serialised with snake_case names.
/// </summary>
/// <param name="FormatVersion">Container format version; see <see cref="ModelFile.FormatVersion"/>.</param>
/// <param name="LibraryVersion">Version of the DpSynth library that wrote the file.</param>
/// <param name="ModelKind">Which generator the weights belong to, e.g. "tablediffusion".</param>
/// <param name="HyperParameters">The generator's hyper-parameters as a JSON object.</param>
/// <param name="Schema">The table schema (as the schema-file JSON), or null.</param>
/// <param name="Encoder">The encoder's parameters (as its own JSON), or null.</param>
/// <param name="PrivacyLedger">The privacy ledger (as its own JSON), or null for a model trained without one.</param>
/// <param name="Tensors">The weight blobs, in the order they were written.</param>
public sealed record ModelManifest(
    int FormatVersion,
    string LibraryVersion,
    string ModelKind,
    JsonObject HyperParameters,
    JsonNode? Schema,
    JsonNode? Encoder,
    JsonNode? PrivacyLedger,
    IReadOnlyList<TensorBlobEntry> Tensors);

/// <summary>One weight blob listed in the manifest.</summary>
/// <param name="Name">Tensor name, unique within the model.</param>
/// <param name="Shape">Dimensions, outermost first; long so that an absurd claim is caught, not wrapped.</param>
/// <param name="Blob">Entry name of the blob inside the zip container.</param>
/// <param name="Bytes">Blob length in bytes: 4 × the product of the shape.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the blob bytes.</param>
public sealed record TensorBlobEntry(string Name, IReadOnlyList<long> Shape, string Blob, long Bytes, string Sha256);
