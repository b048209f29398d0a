using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Encodes a continuous or integer column as a one-hot over bins (one softmax block, a "missing"
/// slot last when the column may be missing), so that a generator learns the column's distribution
/// like a category's — spikes, gaps and skew included — instead of through a smooth transform.
/// Bins are built by <see cref="NumericBins"/> from public bounds or a DP quantile grid. Integer
/// bins are inclusive ranges of whole numbers; continuous bins are [lower, upper) intervals (the
/// last one closed) or points (lower = upper). Decoding places the value inside its bin with a
/// uniform from <see cref="DecodeOptions.BinPositions"/> (the bin's middle without one).
/// </summary>
public sealed class BinnedNumericEncoder : ColumnEncoder
{
    /// <summary>Creates the encoder.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="kind">Continuous or integer.</param>
    /// <param name="role">Feature or label.</param>
    /// <param name="lower">Lower end of each bin, ascending.</param>
    /// <param name="upper">Upper end of each bin (inclusive for integers; exclusive for continuous intervals except the last).</param>
    /// <param name="hasMissing">Whether a "missing" slot follows the bins.</param>
    [JsonConstructor]
    public BinnedNumericEncoder(string name, ColumnKind kind, ColumnRole role, double[] lower, double[] upper, bool hasMissing)
        : base(name, kind, role)
    {
        Lower = lower;
        Upper = upper;
        HasMissing = hasMissing;
    }

    /// <summary>Lower end of each bin.</summary>
    public double[] Lower { get; }

    /// <summary>Upper end of each bin.</summary>
    public double[] Upper { get; }

    /// <summary>Whether the last slot stands for a missing value.</summary>
    public bool HasMissing { get; }

    /// <summary>Decimals continuous values are rounded to when decoded (declared or learnt with DP); null for none.</summary>
    public int? Decimals { get; init; }

    /// <summary>
    /// The value a missing cell is encoded as when the column has no missing slot because a DP
    /// count found too few missing cells to model (schema inferred with DP); null refuses missing cells.
    /// </summary>
    public double? ImputedValue { get; init; }

    /// <summary>Number of bins.</summary>
    [JsonIgnore]
    public int BinCount => Lower.Length;

    internal override bool HasMissingSlot => HasMissing;

    /// <inheritdoc />
    public override int Width => BinCount + (HasMissing ? 1 : 0);

    /// <inheritdoc />
    public override IEnumerable<(int Start, int Length)> SoftmaxSpans() => [(0, Width)];

    private bool IsInteger => Kind == ColumnKind.Integer;

    /// <summary>The bin holding <paramref name="x"/> (clamped to the outer bounds; integers rounded first).</summary>
    public int BinOf(double x)
    {
        x = Math.Clamp(x, Lower[0], Upper[^1]);
        if (IsInteger) x = Math.Round(x, MidpointRounding.AwayFromZero);
        int lo = 0, hi = BinCount - 1;
        // First bin whose upper end admits x: inclusive for integers and points, exclusive for intervals.
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            bool admits = IsInteger || Lower[mid] == Upper[mid] ? x <= Upper[mid] : x < Upper[mid];
            if (admits) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The value of bin <paramref name="bin"/> at relative position <paramref name="u"/> ∈ [0, 1).</summary>
    public double ValueAt(int bin, double u)
    {
        double lo = Lower[bin], hi = Upper[bin];
        u = Math.Clamp(u, 0, 1);
        if (!IsInteger) return lo + u * (hi - lo);
        double span = hi - lo + 1; // whole numbers lo..hi, each equally likely
        return lo + Math.Min(Math.Floor(u * span), span - 1);
    }

    internal override void Encode(TableColumn column, string source, Span<float> destination, int rowWidth, int offset)
    {
        if (column is not NumericColumn numeric)
            throw new TableFormatException(source, 0, Name, $"a numeric column, got a {TableSchemaJson.Name(column.Kind)} column");
        var values = numeric.Values;
        for (int r = 0; r < values.Length; r++)
        {
            double v = values[r];
            if (double.IsNaN(v) && !HasMissing)
                v = ImputedValue ?? throw new TableFormatException(source, 0, Name, "no missing values (the encoder was fitted for a column without them)");
            int slot = double.IsNaN(v) ? BinCount : BinOf(v);
            destination[r * rowWidth + offset + slot] = 1;
        }
    }

    internal override TableColumn Decode(ReadOnlySpan<float> data, int rows, int rowWidth, int offset, DecodeOptions options)
    {
        var values = new double[rows];
        var positions = options.BinPositions;
        for (int r = 0; r < rows; r++)
        {
            int slot = Choose(data.Slice(r * rowWidth + offset, Width), options);
            if (slot == BinCount) { values[r] = double.NaN; continue; }
            double u = positions is null ? 0.5 : positions[r * options.BinnedStride + options.BinnedColumn];
            values[r] = Decimals is int d && !IsInteger ? NumericPrecision.RoundWithin(ValueAt(slot, u), d, Lower[0], Upper[^1]) : ValueAt(slot, u);
        }
        return new NumericColumn(Name, Kind, values, rows);
    }

    internal override void Validate()
    {
        if (!Kind.IsNumeric()) throw new FormatException($"binned encoder for column {Name} has kind {Kind}");
        if (Lower is null || Upper is null || Lower.Length == 0 || Lower.Length != Upper.Length)
            throw new FormatException($"binned encoder for column {Name} needs as many lower as upper ends, at least one");
        NumericPrecision.Validate(Name, Decimals, ImputedValue);
        for (int i = 0; i < Lower.Length; i++)
        {
            if (!double.IsFinite(Lower[i]) || !double.IsFinite(Upper[i]) || Upper[i] < Lower[i])
                throw new FormatException($"binned encoder for column {Name} has an invalid bin {i}");
            if (IsInteger && (Lower[i] != Math.Floor(Lower[i]) || Upper[i] != Math.Floor(Upper[i])))
                throw new FormatException($"binned encoder for integer column {Name} has a bin with fractional ends");
            if (i > 0 && (Lower[i] < Upper[i - 1] || (IsInteger && Lower[i] <= Upper[i - 1])))
                throw new FormatException($"binned encoder for column {Name} has overlapping or unordered bins");
        }
    }
}
