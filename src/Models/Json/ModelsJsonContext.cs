using System.Text.Json.Serialization;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Tabular;

namespace DpSynth.Models;

/// <summary>
/// Compile-time JSON metadata for every document a fit, a sample or an evaluation reads or writes:
/// the schema, the encoder (with its polymorphic column encoders), the model manifest, the DP-WGAN
/// hyper-parameters and the evaluation report. Each of those documents' options objects resolves
/// through this context alone — building the same metadata by reflection took a visible share of a
/// short command's start-up, and a missing type here fails loudly instead of falling back to reflection.
/// Naming policies, enum spellings and the other settings come from those options at run time.
/// </summary>
[JsonSerializable(typeof(TableSchema))]
[JsonSerializable(typeof(EncoderDocument))]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(DpWganOptions))]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
