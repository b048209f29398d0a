namespace DpSynth.Models.Tabular;

/// <summary>One column of a table held in memory, in a typed form (numbers or dictionary codes).</summary>
public abstract class TableColumn
{
    /// <summary>Creates a column.</summary>
    protected TableColumn(string name, ColumnKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>Column name (the CSV header or Parquet field name).</summary>
    public string Name { get; }

    /// <summary>Kind of the values.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>Whether the value in <paramref name="row"/> is missing.</summary>
    public abstract bool IsMissing(int row);

    /// <summary>Number of missing values.</summary>
    public int MissingCount()
    {
        int n = 0;
        for (int i = 0; i < Length; i++) if (IsMissing(i)) n++;
        return n;
    }
}

/// <summary>A continuous or integer column; a missing value is stored as NaN.</summary>
public sealed class NumericColumn : TableColumn
{
    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied; NaN marks missing).</summary>
    public NumericColumn(string name, ColumnKind kind, double[] values, int length)
        : base(name, kind)
    {
        if (!kind.IsNumeric()) throw new ArgumentException($"Column {name}: a numeric column cannot have kind {kind}.", nameof(kind));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, values.Length);
        _values = values;
        Length = length;
    }

    /// <inheritdoc />
    public override int Length { get; }

    /// <summary>The values, NaN where missing.</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(0, Length);

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(_values[row]);
}

/// <summary>
/// A categorical, ordinal or boolean column, dictionary-encoded: each row holds an index into
/// <see cref="Levels"/>, or −1 when missing. Levels are in order of first appearance unless the
/// column was built from a declared category list.
/// </summary>
public sealed class CategoricalColumn : TableColumn
{
    private readonly int[] _codes;
    private readonly string[] _levels;

    /// <summary>Wraps <paramref name="codes"/> (not copied; −1 marks missing) over <paramref name="levels"/>.</summary>
    public CategoricalColumn(string name, ColumnKind kind, int[] codes, int length, IReadOnlyList<string> levels)
        : base(name, kind)
    {
        if (kind.IsNumeric()) throw new ArgumentException($"Column {name}: a categorical column cannot have kind {kind}.", nameof(kind));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, codes.Length);
        _codes = codes;
        _levels = levels.ToArray();
        Length = length;
    }

    /// <inheritdoc />
    public override int Length { get; }

    /// <summary>Per row, an index into <see cref="Levels"/> or −1 when missing.</summary>
    public ReadOnlySpan<int> Codes => _codes.AsSpan(0, Length);

    /// <summary>Distinct values the codes refer to.</summary>
    public IReadOnlyList<string> Levels => _levels;

    /// <summary>The value in <paramref name="row"/>, or null when missing.</summary>
    public string? ValueAt(int row) => _codes[row] < 0 ? null : _levels[_codes[row]];

    /// <inheritdoc />
    public override bool IsMissing(int row) => _codes[row] < 0;

    /// <summary>
    /// For a boolean column read from text: how often each spelling occurred (private; used only
    /// to discover the spellings with DP). Null otherwise.
    /// </summary>
    internal IReadOnlyDictionary<string, long>? Spellings { get; init; }
}
