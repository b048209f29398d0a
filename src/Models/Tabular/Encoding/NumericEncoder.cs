using System.Text.Json.Serialization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Encodes a continuous or integer column as one float (quantile or min–max transform) and, when
/// the column may be missing, a two-wide [present, missing] softmax block. Decoding inverts the
/// transform, clamps to the grid's ends and rounds integers to the nearest whole number.
/// </summary>
public sealed class NumericEncoder : ColumnEncoder
{
    /// <summary>Creates the encoder.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="kind">Continuous or integer.</param>
    /// <param name="role">Feature or label.</param>
    /// <param name="transform">The transform.</param>
    /// <param name="grid">Quantile knots q₀ ≤ … ≤ q_K (K ≥ 1) for quantile transforms; [min, max] for min–max. Its ends are the clamp bounds.</param>
    /// <param name="hasMissing">Whether a [present, missing] block follows the value.</param>
    [JsonConstructor]
    public NumericEncoder(string name, ColumnKind kind, ColumnRole role, NumericTransform transform, double[] grid, bool hasMissing)
        : base(name, kind, role)
    {
        Transform = transform;
        Grid = grid;
        HasMissing = hasMissing;
    }

    /// <summary>The transform.</summary>
    public NumericTransform Transform { get; }

    /// <summary>Quantile knots (or [min, max] for min–max); the ends are the clamp bounds.</summary>
    public double[] Grid { get; }

    /// <summary>Whether a [present, missing] softmax block follows the value.</summary>
    public bool HasMissing { get; }

    /// <summary>Decimals continuous values are rounded to when decoded (declared or learnt with DP); null for none.</summary>
    public int? Decimals { get; init; }

    /// <summary>
    /// The value a missing cell is encoded as when the column has no missing slot because a DP
    /// count found too few missing cells to model (schema inferred with DP); null refuses missing cells.
    /// </summary>
    public double? ImputedValue { get; init; }

    internal override bool HasMissingSlot => HasMissing;

    /// <inheritdoc />
    public override int Width => HasMissing ? 3 : 1;

    /// <inheritdoc />
    public override IEnumerable<(int Start, int Length)> SoftmaxSpans() => HasMissing ? [(1, 2)] : [];

    /// <summary>The encoded value of <paramref name="x"/>.</summary>
    public float Forward(double x)
    {
        var g = Grid.AsSpan();
        return Transform switch
        {
            NumericTransform.QuantileNormal => (float)QuantileGrid.ToNormal(QuantileGrid.Cdf(g, x)),
            NumericTransform.QuantileUniform => (float)QuantileGrid.Cdf(g, x),
            _ => (float)((Math.Clamp(x, g[0], g[^1]) - g[0]) / (g[^1] - g[0])),
        };
    }

    /// <summary>The value an encoded float stands for: inverted, clamped to the bounds, and rounded for integers.</summary>
    public double Inverse(float encoded)
    {
        var g = Grid.AsSpan();
        double x = Transform switch
        {
            NumericTransform.QuantileNormal => QuantileGrid.InverseCdf(g, QuantileGrid.FromNormal(encoded)),
            NumericTransform.QuantileUniform => QuantileGrid.InverseCdf(g, encoded),
            _ => g[0] + Math.Clamp((double)encoded, 0, 1) * (g[^1] - g[0]),
        };
        if (double.IsNaN(x)) x = g[0]; // a NaN from a diverged generator decodes to a bound, never to "missing"
        x = Math.Clamp(x, g[0], g[^1]);
        if (Kind == ColumnKind.Integer)
        {
            // Round, never truncate: truncation would bias every value towards zero.
            x = Math.Round(x, MidpointRounding.AwayFromZero);
            x = Math.Clamp(x, Math.Ceiling(g[0]), Math.Floor(g[^1]));
        }
        else if (Decimals is int d) x = NumericPrecision.RoundWithin(x, d, g[0], g[^1]);
        return x;
    }

    /// <summary>The encoded value used for a missing row: the middle of the encoded range, which carries no information.</summary>
    private float Neutral => Transform == NumericTransform.QuantileNormal ? 0f : 0.5f;

    internal override void Encode(TableColumn column, string source, Span<float> destination, int rowWidth, int offset)
    {
        if (column is not NumericColumn numeric)
            throw new TableFormatException(source, 0, Name, $"a numeric column, got a {TableSchemaJson.Name(column.Kind)} column");
        var values = numeric.Values;
        for (int r = 0; r < values.Length; r++)
        {
            var block = destination.Slice(r * rowWidth + offset, Width);
            double v = values[r];
            if (double.IsNaN(v) && !HasMissing)
                v = ImputedValue ?? throw new TableFormatException(source, 0, Name, "no missing values (the encoder was fitted for a column without them)");
            bool missing = double.IsNaN(v);
            block[0] = missing ? Neutral : Forward(v);
            if (HasMissing) { block[1] = missing ? 0 : 1; block[2] = missing ? 1 : 0; }
        }
    }

    internal override TableColumn Decode(ReadOnlySpan<float> data, int rows, int rowWidth, int offset, DecodeOptions options)
    {
        var values = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var block = data.Slice(r * rowWidth + offset, Width);
            values[r] = HasMissing && Choose(block[1..], options) == 1 ? double.NaN : Inverse(block[0]);
        }
        return new NumericColumn(Name, Kind, values, rows);
    }

    internal override void Validate()
    {
        if (!Kind.IsNumeric()) throw new FormatException($"numeric encoder for column {Name} has kind {Kind}");
        if (Grid is null || Grid.Length < 2) throw new FormatException($"numeric encoder for column {Name} needs at least two grid points");
        NumericPrecision.Validate(Name, Decimals, ImputedValue);
        for (int i = 0; i < Grid.Length; i++)
        {
            if (!double.IsFinite(Grid[i])) throw new FormatException($"numeric encoder for column {Name} has a non-finite grid point");
            if (i > 0 && Grid[i] < Grid[i - 1]) throw new FormatException($"numeric encoder for column {Name} has a decreasing grid");
        }
        if (!(Grid[^1] > Grid[0])) throw new FormatException($"numeric encoder for column {Name} has an empty range");
        if (Transform == NumericTransform.MinMax && Grid.Length != 2) throw new FormatException($"min-max encoder for column {Name} needs exactly [min, max]");
    }
}
