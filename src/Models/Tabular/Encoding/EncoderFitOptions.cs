using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tabular;

/// <summary>How a <see cref="TableEncoder"/> is fitted, and how much privacy budget its private statistics may use.</summary>
public sealed record EncoderFitOptions
{
    /// <summary>Transform for continuous and integer columns (quantile → normal by default).</summary>
    public NumericTransform Numeric { get; init; } = NumericTransform.QuantileNormal;

    /// <summary>Number K of segments of a quantile grid (K + 1 knots, K − 1 of them estimated with DP).</summary>
    public int QuantileSegments { get; init; } = 32;

    /// <summary>
    /// The ε spent on all private statistics of the encoder together (ranges, bounds, quantile grids,
    /// category discovery, rare-category counts, boolean spellings, decimals), shared between them
    /// by <see cref="PreprocessingBudget"/>. 0 means none may be estimated: anything the
    /// schema does not declare public is then refused.
    /// </summary>
    public double Epsilon { get; init; }

    /// <summary>
    /// δ_τ of all category-discovery histograms together (split evenly between them), or null for
    /// a tenth of the ledger's δ. A user choice: never derived from the private row count.
    /// </summary>
    public double? DiscoveryDelta { get; init; }

    /// <summary>
    /// The smallest quantile levels (p, 1 − p) taken as DP bounds of a numeric column without public
    /// bounds, so that outliers are clamped rather than stretch the range. The bounds are found
    /// inside the range a DP power-of-two histogram shows the values in (any scale, no declared
    /// search range); p is raised at an end where the budget is too small to tell the p-quantile
    /// from the empty space the range may still hold there.
    /// </summary>
    public double BoundsLevel { get; init; } = 0.005;

    /// <summary>
    /// Whether the schema's missing flags are only provisional (a schema inferred with DP): each
    /// column's missing slot is then decided by the missing count of its first DP histogram, and
    /// missing cells of a column left without one are imputed (recorded in the encoder).
    /// </summary>
    public bool DecideMissingFlags { get; init; }

    /// <summary>
    /// Whether the decimals of a continuous column the schema gives no precision for are learnt with
    /// DP (a small stage) so that synthetic values are rounded like the source's; false leaves them
    /// unrounded (e.g. when schema inference has already decided them).
    /// </summary>
    public bool LearnPrecision { get; init; } = true;

    /// <summary>Whether categories of a public list whose DP count falls below the threshold are merged into "other" (costs a stage per column).</summary>
    public bool MergeRarePublicCategories { get; init; }

    /// <summary>The value written for merged ("other") categories.</summary>
    public string OtherLabel { get; init; } = "(other)";

    /// <summary>Randomness for the mechanisms; the OS CSPRNG when null.</summary>
    public IRandomSource? Random { get; init; }

    /// <summary>Name of the schema file, for messages that refuse an undeclared statistic.</summary>
    public string SchemaFile { get; init; } = "schema";

    /// <summary>Positive-control faults of an audit; none outside an audit.</summary>
    internal Audit.AuditFaults Faults { get; init; } = Audit.AuditFaults.None;

    /// <summary>Receives the number of columns fitted so far, after each column; optional.</summary>
    public IProgress<int>? Progress { get; init; }

    internal void Validate()
    {
        if (QuantileSegments < 2) throw new ArgumentOutOfRangeException(nameof(QuantileSegments), QuantileSegments, "a quantile grid needs at least 2 segments");
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "the preprocessing epsilon must be finite and non-negative");
        if (DiscoveryDelta is double d && !(d > 0 && d < 1)) throw new ArgumentOutOfRangeException(nameof(DiscoveryDelta), d, "the discovery delta must be in (0, 1)");
        if (!(BoundsLevel >= 0 && BoundsLevel < 0.5)) throw new ArgumentOutOfRangeException(nameof(BoundsLevel), BoundsLevel, "the bounds level must be in [0, 0.5)");
    }
}
