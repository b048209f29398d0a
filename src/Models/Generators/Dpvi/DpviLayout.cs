using System.Text.Json.Nodes;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>One covariate of the DPVI mixture, described from the public schema only.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Kind">Column kind.</param>
/// <param name="Levels">Category texts (categorical covariates; the missing category, when present, is last and written as missing); null for numeric ones.</param>
/// <param name="HasMissingLevel">Whether the last level stands for a missing value.</param>
/// <param name="HasOtherLevel">Whether a level "other" collects values outside a non-closed public list (before the missing level).</param>
/// <param name="Min">Public lower bound (numeric covariates).</param>
/// <param name="Max">Public upper bound (numeric covariates).</param>
/// <param name="Offset">First index of the covariate's block in θ.</param>
public sealed record DpviCovariate(string Name, ColumnKind Kind, IReadOnlyList<string>? Levels, bool HasMissingLevel, bool HasOtherLevel,
    double Min, double Max, int Offset)
{
    /// <summary>Whether the covariate is categorical (else a per-component Gaussian on the standardised value).</summary>
    public bool IsCategorical => Levels is not null;

    /// <summary>Number of levels L (categorical covariates).</summary>
    public int LevelCount => Levels?.Count ?? 0;

    /// <summary>Free parameters per component: L − 1 logits (the last pinned at 0), or a mean and a log-sd.</summary>
    public int ParametersPerComponent => IsCategorical ? LevelCount - 1 : 2;

    /// <summary>The value standardised by the public bounds: [min, max] ↦ [−1, 1] (clamped).</summary>
    public double Standardise(double x) => Max > Min ? (Math.Clamp(x, Min, Max) - 0.5 * (Min + Max)) / (0.5 * (Max - Min)) : 0;

    /// <summary>The inverse of <see cref="Standardise"/> (clamped to the bounds).</summary>
    public double Destandardise(double z) => Math.Clamp(0.5 * (Min + Max) + z * 0.5 * (Max - Min), Min, Max);
}

/// <summary>The outcome of the DPVI model.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Kind">Column kind.</param>
/// <param name="Family">Poisson or logistic.</param>
/// <param name="Levels">The two public levels (logistic); the second is "1".</param>
/// <param name="Min">Public lower bound of a count (or 0).</param>
/// <param name="Max">Public upper bound of a count (or +∞); sampled counts are clamped to it.</param>
public sealed record DpviOutcome(string Name, ColumnKind Kind, DpviOutcomeFamily Family, IReadOnlyList<string>? Levels, double Min, double Max);

/// <summary>
/// Where every parameter of the DPVI model lives in the flat vector θ (length P), derived from the
/// public schema, the outcome and the options alone — never from the data:
/// <list type="bullet">
/// <item>[0, K−1): mixture logits a (a_K pinned at 0; π = softmax(a, 0));</item>
/// <item>per categorical covariate j, per component k: L_j − 1 logits (the last level pinned at 0);</item>
/// <item>per numeric covariate j, per component k: mean m and log-sd s of the standardised value;</item>
/// <item>the regression: intercept, then per regression covariate its L − 1 reference-coded levels (first level the reference) or 1 standardised value.</item>
/// </list>
/// The variational parameters are (μ, ρ), 2P values, with q(θ) = N(μ, softplus(ρ)²) per coordinate.
/// </summary>
public sealed class DpviLayout
{
    private DpviLayout(int components, IReadOnlyList<DpviCovariate> covariates, DpviOutcome? outcome, int[] regression, int[] featureOffsets,
        int coefficientOffset, int features, IReadOnlyList<string> columns)
    {
        Components = components;
        Covariates = covariates;
        Outcome = outcome;
        RegressionCovariates = regression;
        FeatureOffsets = featureOffsets;
        CoefficientOffset = coefficientOffset;
        Features = features;
        ParameterCount = coefficientOffset + (outcome is null ? 0 : features);
        Columns = columns;
    }

    /// <summary>Mixture components K.</summary>
    public int Components { get; }

    /// <summary>The covariates, in schema order.</summary>
    public IReadOnlyList<DpviCovariate> Covariates { get; }

    /// <summary>The outcome, or null for a mixture without one.</summary>
    public DpviOutcome? Outcome { get; }

    /// <summary>Indices into <see cref="Covariates"/> of the regression's covariates.</summary>
    public IReadOnlyList<int> RegressionCovariates { get; }

    /// <summary>Per regression covariate, the index of its first coefficient relative to <see cref="CoefficientOffset"/> (the intercept is 0).</summary>
    public IReadOnlyList<int> FeatureOffsets { get; }

    /// <summary>Index in θ of the intercept.</summary>
    public int CoefficientOffset { get; }

    /// <summary>Regression coefficients D (intercept included).</summary>
    public int Features { get; }

    /// <summary>Length P of θ.</summary>
    public int ParameterCount { get; }

    /// <summary>The modelled columns in schema order (what sampled tables hold).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Builds the layout from the public schema. Refuses (one line, naming the column) a categorical
    /// or ordinal column without a public category list, a numeric covariate without public bounds
    /// or with missing values declared, and an outcome that cannot have the family.
    /// </summary>
    /// <param name="schema">The schema.</param>
    /// <param name="outcome">The outcome column; null uses the single label column (none when there is no label).</param>
    /// <param name="family">The family; null picks it from the outcome's kind.</param>
    /// <param name="options">Hyper-parameters (K and the regression covariates).</param>
    /// <param name="schemaFile">Schema file name for messages.</param>
    /// <exception cref="ArgumentException">Something the model needs is not public or does not fit.</exception>
    public static DpviLayout Create(TableSchema schema, string? outcome, DpviOutcomeFamily? family, DpviOptions options, string schemaFile = "schema")
    {
        options.Validate();
        var modelled = schema.ModelledColumns.ToArray();
        if (outcome is null)
        {
            var labels = modelled.Where(c => c.Role == ColumnRole.Label).ToArray();
            if (labels.Length > 1)
                throw new ArgumentException($"{schemaFile}: {labels.Length} label columns ({string.Join(", ", labels.Select(l => l.Name))}); name the DPVI outcome explicitly");
            outcome = labels.FirstOrDefault()?.Name;
        }
        else if (modelled.All(c => c.Name != outcome))
            throw new ArgumentException($"{schemaFile}: the outcome column \"{outcome}\" is not a modelled column of the schema");

        int k = options.Components, offset = k - 1;
        var covariates = new List<DpviCovariate>();
        DpviOutcome? y = null;
        foreach (var c in modelled)
        {
            if (c.Name == outcome)
            {
                y = OutcomeOf(c, family, schemaFile);
                continue;
            }
            var covariate = CovariateOf(c, offset, schemaFile);
            covariates.Add(covariate);
            offset += k * covariate.ParametersPerComponent;
        }
        if (y is null && family is not null) throw new ArgumentException($"{schemaFile}: a family was given but the schema has no label column and no outcome was named");
        if (covariates.Count == 0) throw new ArgumentException($"{schemaFile}: DPVI needs at least one covariate besides the outcome");

        var regression = new List<int>();
        if (options.RegressionCovariates is null) regression.AddRange(Enumerable.Range(0, covariates.Count));
        else
            foreach (string name in options.RegressionCovariates)
            {
                int index = covariates.FindIndex(c => c.Name == name);
                if (index < 0) throw new ArgumentException($"{schemaFile}: the regression covariate \"{name}\" is not a covariate of the schema");
                if (regression.Contains(index)) throw new ArgumentException($"{schemaFile}: the regression covariate \"{name}\" is named twice");
                regression.Add(index);
            }
        var featureOffsets = new int[regression.Count];
        int features = 1;
        for (int r = 0; r < regression.Count; r++)
        {
            featureOffsets[r] = features;
            var c = covariates[regression[r]];
            features += c.IsCategorical ? c.LevelCount - 1 : 1;
        }
        return new DpviLayout(k, covariates, y, regression.ToArray(), featureOffsets, offset, features, modelled.Select(c => c.Name).ToArray());
    }

    private static DpviCovariate CovariateOf(ColumnSchema c, int offset, string schemaFile)
    {
        if (c.Kind.IsNumeric())
        {
            var bounds = c.PublicBounds ?? throw new ArgumentException(
                $"{schemaFile}: column \"{c.Name}\" has no public bounds; DPVI twins standardise numeric columns by public bounds (declare \"bounds\" with \"public\": true)");
            if (c.Missing) throw new ArgumentException($"{schemaFile}: column \"{c.Name}\" may be missing; DPVI twins do not model missing numeric values");
            if (!(bounds.Max >= bounds.Min) || !double.IsFinite(bounds.Min) || !double.IsFinite(bounds.Max))
                throw new ArgumentException($"{schemaFile}: column \"{c.Name}\" has invalid bounds");
            return new DpviCovariate(c.Name, c.Kind, null, false, false, bounds.Min, bounds.Max, offset);
        }
        var levels = new List<string>(PublicLevels(c, schemaFile, out bool other));
        if (other) levels.Add(OtherLevel);
        if (c.Missing) levels.Add(MissingLevel);
        if (levels.Count < 1) throw new ArgumentException($"{schemaFile}: column \"{c.Name}\" has an empty category list");
        return new DpviCovariate(c.Name, c.Kind, levels, c.Missing, other, 0, 0, offset);
    }

    /// <summary>The text of the level that collects values outside a non-closed public category list.</summary>
    public const string OtherLevel = "other";

    /// <summary>The text under which the missing category is listed (it is written as a missing cell).</summary>
    public const string MissingLevel = "(missing)";

    private static IReadOnlyList<string> PublicLevels(ColumnSchema c, string schemaFile, out bool other)
    {
        other = false;
        if (c.Kind == ColumnKind.Boolean) return ["false", "true"];
        var categories = c.PublicCategories ?? throw new ArgumentException(
            $"{schemaFile}: column \"{c.Name}\" has no public category list; DPVI twins need public category sets (declare \"categories\" with \"public\": true)");
        other = !categories.Closed && !categories.Values.Contains(OtherLevel);
        return categories.Values;
    }

    private static DpviOutcome OutcomeOf(ColumnSchema c, DpviOutcomeFamily? family, string schemaFile)
    {
        if (c.Missing) throw new ArgumentException($"{schemaFile}: the outcome column \"{c.Name}\" may be missing; DPVI needs a complete outcome");
        IReadOnlyList<string>? levels = c.Kind == ColumnKind.Boolean ? ["false", "true"]
            : c.Kind.IsNumeric() ? null
            : c.PublicCategories is { Values.Count: 2, Closed: true } p ? p.Values : null;
        var f = family ?? (c.Kind == ColumnKind.Integer ? DpviOutcomeFamily.Poisson
            : levels is not null ? DpviOutcomeFamily.Logistic
            : throw new ArgumentException($"{schemaFile}: the outcome column \"{c.Name}\" ({c.Kind}) is neither a count nor a two-level category; give the family or another outcome"));
        if (f == DpviOutcomeFamily.Logistic && levels is null)
            throw new ArgumentException($"{schemaFile}: a logistic outcome needs a boolean column or exactly two public, closed categories; \"{c.Name}\" has neither");
        if (f == DpviOutcomeFamily.Poisson && !c.Kind.IsNumeric())
            throw new ArgumentException($"{schemaFile}: a Poisson outcome needs a numeric count column; \"{c.Name}\" is {c.Kind}");
        var bounds = c.PublicBounds;
        return new DpviOutcome(c.Name, c.Kind, f, levels, Math.Max(0, bounds?.Min ?? 0), bounds?.Max ?? double.PositiveInfinity);
    }

    /// <summary>The layout as JSON (model files), so that a loaded file can be checked against the layout its schema gives.</summary>
    public JsonObject ToJson() => new()
    {
        ["components"] = Components,
        ["parameters"] = ParameterCount,
        ["outcome"] = Outcome?.Name,
        ["family"] = Outcome?.Family.ToString().ToLowerInvariant(),
        ["covariates"] = new JsonArray(Covariates.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["model"] = c.IsCategorical ? "categorical" : "gaussian (standardised by public bounds)",
            ["levels"] = c.LevelCount,
        }).ToArray()),
        ["regression_covariates"] = new JsonArray(RegressionCovariates.Select(r => (JsonNode)Covariates[r].Name).ToArray()),
        ["regression_features"] = Outcome is null ? 0 : Features,
    };
}
