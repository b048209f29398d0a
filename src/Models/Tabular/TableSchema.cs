using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// What the user declares about a table (the schema file). Anything a value-dependent statistic
/// could be read from — bounds, category lists — is public only when marked so; the encoder
/// treats everything else as private and either pays for it with DP or refuses.
/// </summary>
/// <param name="Columns">The columns, by name; their order need not match the file's.</param>
/// <param name="MissingMarkers">Cell texts that mean "missing" besides the empty cell; null for the defaults (NA, ?).</param>
/// <param name="Rows">The row count, when the user declares it public (<c>"rows": {"public": N}</c>); null: N is private and a DP count is released.</param>
public sealed record TableSchema(IReadOnlyList<ColumnSchema> Columns, IReadOnlyList<string>? MissingMarkers = null, DeclaredRows? Rows = null)
{
    /// <summary>The row count declared public, or null (then N is private).</summary>
    [JsonIgnore]
    public long? PublicRowCount => Rows?.Public;

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public ColumnSchema? Find(string name)
    {
        foreach (var c in Columns) if (c.Name == name) return c;
        return null;
    }

    /// <summary>The columns that are encoded (role feature or label), in schema order.</summary>
    [JsonIgnore]
    public IEnumerable<ColumnSchema> ModelledColumns => Columns.Where(c => c.Role != ColumnRole.Ignore);
}

/// <summary>One column of a <see cref="TableSchema"/>.</summary>
/// <param name="Name">Column name as in the file header.</param>
/// <param name="Kind">What the column holds.</param>
/// <param name="Role">What it is for; defaults to feature.</param>
/// <param name="Missing">Whether missing values may occur; a missing value in a column declared without them is refused.</param>
/// <param name="Bounds">Optional bounds on the values (numeric kinds).</param>
/// <param name="Categories">Optional category list (categorical and ordinal kinds; for ordinal it gives the order).</param>
/// <param name="Precision">
/// Optional number of decimals of a continuous column (0–15): synthetic values are rounded to it.
/// A declaration, so public; without it the precision is learnt with DP when there is a budget.
/// </param>
/// <param name="Labels">
/// Optional spellings of a boolean column, false first (e.g. ["no", "yes"]): read as well as the
/// standard spellings, and written back. A declaration, so public; without it the spellings are
/// discovered with DP when there is a budget, else written as false/true.
/// </param>
public sealed record ColumnSchema(
    string Name,
    ColumnKind Kind,
    ColumnRole Role = ColumnRole.Feature,
    bool Missing = false,
    DeclaredBounds? Bounds = null,
    DeclaredCategories? Categories = null,
    int? Precision = null,
    IReadOnlyList<string>? Labels = null)
{
    /// <summary>The bounds if they are declared public, else null (private bounds are never used).</summary>
    [JsonIgnore]
    public DeclaredBounds? PublicBounds => Bounds is { Public: true } ? Bounds : null;

    /// <summary>The category list if it is declared public, else null (a private list is never used).</summary>
    [JsonIgnore]
    public DeclaredCategories? PublicCategories => Categories is { Public: true } ? Categories : null;
}

/// <summary>Bounds on a numeric column.</summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Public">True when these bounds are known without looking at the private data (e.g. age ∈ [0, 120]).</param>
public sealed record DeclaredBounds(double Min, double Max, bool Public);

/// <summary>A category list for a categorical or ordinal column.</summary>
/// <param name="Values">The categories (for an ordinal column, in order).</param>
/// <param name="Public">True when the list is known without looking at the private data.</param>
/// <param name="Closed">
/// True (the default) when no other value may occur: one that does is refused. When false,
/// other values are merged into one "other" category.
/// </param>
public sealed record DeclaredCategories(IReadOnlyList<string> Values, bool Public, bool Closed = true);

/// <summary>A row count the user declares public in the schema; fits then use it instead of releasing a DP count, and refuse a table of another size.</summary>
/// <param name="Public">The number of rows, ≥ 1.</param>
public sealed record DeclaredRows(long Public);
