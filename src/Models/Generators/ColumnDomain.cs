using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators;

/// <summary>
/// The values a fitted model can produce in one column — its public bounds or category set, or the
/// DP release that stands in for them (e.g. DP-estimated bounds). Sampled values never leave it.
/// </summary>
/// <param name="Name">The column.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Min">Smallest value of a numeric column (NaN for categorical ones).</param>
/// <param name="Max">Largest value of a numeric column (may be +∞ where no public maximum exists, e.g. a Poisson count without bounds).</param>
/// <param name="Categories">The categories of a categorical, ordinal or boolean column; null for numeric ones.</param>
/// <param name="MayBeMissing">Whether the model can produce a missing value.</param>
public sealed record ColumnDomain(string Name, ColumnKind Kind, double Min, double Max, IReadOnlyList<string>? Categories, bool MayBeMissing)
{
    /// <summary>The domains a table encoder's public or DP-released parameters give.</summary>
    public static IReadOnlyList<ColumnDomain> Of(TableEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return encoder.Columns.Select(c => c switch
        {
            NumericEncoder n => new ColumnDomain(c.Name, c.Kind, n.Grid[0], n.Grid[^1], null, n.HasMissing),
            BinnedNumericEncoder b => new ColumnDomain(c.Name, c.Kind, b.Lower[0], b.Upper[^1], null, b.HasMissing),
            OneHotEncoder o => new ColumnDomain(c.Name, c.Kind, double.NaN, double.NaN,
                o.OtherLabel is null ? o.Categories : [.. o.Categories, o.OtherLabel], o.HasMissing),
            _ => throw new NotSupportedException($"no domain for the encoder of column {c.Name} ({c.GetType().Name})"),
        }).ToArray();
    }
}
