using System.Text.Json.Serialization;

namespace DpSynth.Privacy.Ledger;

/// <summary>
/// Compile-time JSON metadata for the ledger document and everything under it (stages, the
/// polymorphic <see cref="PrivacyCost"/>s, budget, randomness). <see cref="PrivacyLedger.JsonOptions"/>
/// resolves through it alone, so a type missing here fails loudly instead of falling back to reflection.
/// Naming and enum spelling come from those options at run time.
/// </summary>
[JsonSerializable(typeof(LedgerDocument))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
