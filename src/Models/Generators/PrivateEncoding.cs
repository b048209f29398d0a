using System.Globalization;
using DpSynth.Models.Tabular;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators;

/// <summary>The privacy budget and run settings every fit over encoded rows shares; each generator adds its hyper-parameters.</summary>
public abstract record EncodedFitRequest
{
    /// <summary>Total ε of the fit (preprocessing and training together).</summary>
    public required double Epsilon { get; init; }

    /// <summary>δ of the guarantee — the user's choice, never derived from the row count.</summary>
    public required double Delta { get; init; }

    /// <summary>Share of ε offered to the encoder's private statistics (bounds, quantile grids, category discovery); unused when everything is public.</summary>
    public double PreprocessingShare { get; init; } = 0.2;

    /// <summary>
    /// Public range within which bounds of numeric columns without public bounds are estimated with
    /// DP. A declared constant, never read from the data.
    /// </summary>
    public (double Min, double Max) SearchRange { get; init; } = (-1e6, 1e6);

    /// <summary>Seed for every random choice (reproducible, recorded as not secure); null uses the OS CSPRNG.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Name of the schema file, for refusals.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Checks the budget (and, in generators, their hyper-parameters); throws <see cref="ArgumentException"/> naming the bad value. Reads no data.</summary>
    public virtual void Validate()
    {
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be positive and finite, got {Epsilon.ToString(CultureInfo.InvariantCulture)}");
        if (!(Delta > 0 && Delta < 1)) throw new ArgumentException($"delta must be in (0, 1), got {Delta.ToString(CultureInfo.InvariantCulture)}");
        if (!(PreprocessingShare >= 0 && PreprocessingShare < 1)) throw new ArgumentException($"the preprocessing share must be in [0, 1), got {PreprocessingShare.ToString(CultureInfo.InvariantCulture)}");
    }
}

/// <summary>
/// The start of every fit over encoded rows: the fit's ledger (the user's ε and δ, and whether the
/// run is seeded) and the encoder, whose private statistics are stages spent on it from the
/// preprocessing share of ε before the data is read; then the encoded rows.
/// </summary>
internal static class PrivateEncoding
{
    /// <summary>The ledger, the fitted encoder and the encoded table.</summary>
    /// <param name="table">The private table.</param>
    /// <param name="schema">The schema; anything it does not declare public is estimated with DP.</param>
    /// <param name="numeric">How numeric columns are encoded.</param>
    /// <param name="request">The budget and settings.</param>
    public static (PrivacyLedger Ledger, TableEncoder Encoder, EncodedTable Encoded) Fit(Table table, TableSchema schema, NumericTransform numeric, EncodedFitRequest request)
    {
        var randomness = request.Seed is ulong s ? new RandomnessRecord(RandomnessKind.UserSeed, s) : new RandomnessRecord(RandomnessKind.Csprng);
        var ledger = new PrivacyLedger(new PrivacyBudget(request.Epsilon, request.Delta), randomness);
        var encoder = TableEncoder.Fit(table, schema, new EncoderFitOptions
        {
            Numeric = numeric,
            Epsilon = request.Epsilon * request.PreprocessingShare,
            SearchRange = request.SearchRange,
            Random = request.Seed is ulong r ? new SeededRandomSource(r) : null,
            SchemaFile = request.SchemaFile,
        }, ledger);
        return (ledger, encoder, encoder.Encode(table));
    }
}
