using System.Text.Json.Serialization;

namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>Compile-time JSON metadata for study.json (<see cref="StimuliStudyReport.ToJson"/>), so a NativeAOT build writes it too.</summary>
[JsonSerializable(typeof(StimuliStudyResult))]
internal sealed partial class StimuliStudyJsonContext : JsonSerializerContext;
