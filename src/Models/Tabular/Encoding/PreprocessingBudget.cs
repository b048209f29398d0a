using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;

namespace DpSynth.Models.Tabular;

/// <summary>A statistic of the private table that preprocessing estimates with DP, one ledger stage each.</summary>
internal enum PrivateStatistic
{
    /// <summary>Cell shapes of a column (schema inference: kind and precision).</summary>
    Shapes,
    /// <summary>Sign × power-of-two histogram of a numeric column (where its values start and end; missing flag).</summary>
    Range,
    /// <summary>Finer histogram of the range's two end buckets (<see cref="RangeRefinement"/>).</summary>
    RangeEnds,
    /// <summary>Two quantiles inside the range (the clamp bounds).</summary>
    Bounds,
    /// <summary>The K − 1 quantiles of a numeric column's grid.</summary>
    Grid,
    /// <summary>Thresholded histogram discovering a column's categories.</summary>
    Discovery,
    /// <summary>Counts of a public category list (merging rare ones).</summary>
    Counts,
    /// <summary>Thresholded histogram discovering a boolean column's spellings.</summary>
    Labels,
    /// <summary>Histogram of the decimals of a continuous column.</summary>
    Precision,
}

/// <summary>
/// The one place that decides how the preprocessing ε is shared between private statistics. The
/// share is split in zero-concentrated DP: ε at the ledger's δ (less the discovery δ) is turned
/// into ρ by the privacy plan's <see cref="ZcdpConversion"/>; without a schema
/// <see cref="InferenceShare"/> of ρ goes to schema inference (split evenly over the columns) and
/// the rest to the encoder's stages in proportion to <see cref="Weight"/>. A histogram stage with ρₛ
/// has σ = √(1/(2ρₛ)) (Canonne, Kamath &amp; Steinke 2020); m exponential-mechanism quantiles have
/// ε = √(8ρₛ/m) each (Cesar &amp; Rogers 2021). The conversion is conservative; the ledger's accountant
/// reports the exact composition, and what a stage leaves unspent is left to training.
/// </summary>
internal sealed class PreprocessingBudget
{
    /// <summary>
    /// Share of the preprocessing ρ spent on schema inference when there is no schema: the kind
    /// decisions compare counts with shares of a few percent of the rows, so coarse counts do.
    /// </summary>
    public const double InferenceShare = 0.1;

    /// <summary>
    /// Relative ρ of each encoder stage. Category discovery and quantile grids carry most of what
    /// the generator learns from preprocessing, and the bounds decide both tails of a numeric column
    /// (what they clamp is lost to every sample): a full unit each. The range histograms only have to
    /// find the octaves (then the eighths of the end octaves) holding data: half each. A boolean's
    /// spellings and a column's decimals are a handful of large counts.
    /// </summary>
    public static double Weight(PrivateStatistic statistic) => statistic switch
    {
        PrivateStatistic.Grid or PrivateStatistic.Discovery or PrivateStatistic.Counts or PrivateStatistic.Bounds => 1,
        PrivateStatistic.Range or PrivateStatistic.RangeEnds or PrivateStatistic.Labels => 0.5,
        PrivateStatistic.Precision => 0.25,
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "not an encoder stage"),
    };

    private readonly double _rhoPerUnit;

    private PreprocessingBudget(double rhoPerUnit, double discoveryDeltaEach)
    {
        _rhoPerUnit = rhoPerUnit;
        DiscoveryDeltaEach = discoveryDeltaEach;
    }

    /// <summary>δ_τ of each thresholded discovery (categories, boolean spellings).</summary>
    public double DiscoveryDeltaEach { get; }

    /// <summary>zCDP ρ of a stage releasing <paramref name="statistic"/>.</summary>
    public double Rho(PrivateStatistic statistic) => Weight(statistic) * _rhoPerUnit;

    /// <summary>Noise scale of a sensitivity-1 histogram stage releasing <paramref name="statistic"/>.</summary>
    public double HistogramSigma(PrivateStatistic statistic) => ZcdpConversion.GaussianSigma(Rho(statistic));

    /// <summary>ε of each of <paramref name="count"/> quantiles released in one stage of <paramref name="statistic"/>.</summary>
    public double QuantileEpsilon(PrivateStatistic statistic, int count) => ZcdpConversion.ExponentialEpsilon(Rho(statistic), count);

    /// <summary>δ the zCDP conversion works at: the ledger's, less what thresholded discovery may use.</summary>
    private static double ConversionDelta(double delta, double? discoveryDelta, bool discovers)
    {
        double conversion = delta - (discovers ? discoveryDelta ?? delta / 10 : 0);
        if (!(conversion > 0))
            throw new ArgumentOutOfRangeException(nameof(discoveryDelta), $"the discovery delta {discoveryDelta} leaves nothing of the budget's delta {delta}");
        return conversion;
    }

    /// <summary>
    /// Splits the preprocessing ε between schema inference over <paramref name="columns"/> columns
    /// (one histogram stage each) and the encoder.
    /// </summary>
    /// <returns>The σ of each column's shape histogram, and the ε left for the encoder's stages.</returns>
    public static (double ShapeSigma, double EncoderEpsilon) SplitForInference(double epsilon, double delta, double? discoveryDelta, int columns)
    {
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "schema inference needs a preprocessing budget (epsilon > 0)");
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        double conversion = ConversionDelta(delta, discoveryDelta, discovers: true);
        double rho = ZcdpConversion.Rho(epsilon, conversion);
        double shapes = InferenceShare * rho;
        return (Math.Sqrt(columns / (2 * shapes)), ZcdpConversion.Epsilon(rho - shapes, conversion));
    }

    /// <summary>Splits <see cref="EncoderFitOptions.Epsilon"/> between the encoder's planned stages.</summary>
    public static PreprocessingBudget Create(EncoderFitOptions o, PrivacyLedger? ledger, IReadOnlyCollection<PrivateStatistic> stages)
    {
        if (ledger is null)
            throw new ArgumentException("The schema leaves statistics private that the encoder needs; estimating them with DP needs a privacy ledger.", nameof(ledger));
        double delta = ledger.Budget.Delta;
        int discoveries = stages.Count(s => s is PrivateStatistic.Discovery or PrivateStatistic.Labels);
        // δ for discovery is a fixed share of the user's δ, never a function of the row count.
        double discoveryTotal = o.DiscoveryDelta ?? delta / 10;
        double conversion = ConversionDelta(delta, o.DiscoveryDelta, discoveries > 0);
        double units = stages.Sum(Weight);
        return new PreprocessingBudget(ZcdpConversion.Rho(o.Epsilon, conversion) / units, discoveries == 0 ? discoveryTotal : discoveryTotal / discoveries);
    }
}
