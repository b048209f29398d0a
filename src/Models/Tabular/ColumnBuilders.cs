using System.Globalization;

namespace DpSynth.Models.Tabular;

/// <summary>
/// Receives one column's cells as spans while a file is read and keeps only typed values:
/// numbers as doubles, labels as dictionary codes. No per-cell strings are kept.
/// </summary>
internal abstract class ColumnBuilder
{
    protected ColumnBuilder(string file, string name, bool missingAllowed)
    {
        File = file;
        Name = name;
        MissingAllowed = missingAllowed;
    }

    protected string File { get; }
    protected string Name { get; }
    protected bool MissingAllowed { get; }

    /// <summary>Adds a present value (already trimmed and known not to be a missing marker).</summary>
    public abstract void Add(ReadOnlySpan<char> text, long row);

    /// <summary>Adds a missing value, refusing it when the schema says the column has none.</summary>
    public void AddMissing(long row)
    {
        if (!MissingAllowed)
            throw new TableFormatException(File, row, Name, "a value (the schema declares no missing values in this column)");
        AddMissingValue();
    }

    protected abstract void AddMissingValue();

    public abstract TableColumn Build();

    protected static void Grow<T>(ref T[] array, int count)
    {
        if (count == array.Length) Array.Resize(ref array, Math.Max(1024, array.Length * 2));
    }
}

/// <summary>Parses numbers straight from the cell spans.</summary>
internal sealed class NumericColumnBuilder : ColumnBuilder
{
    private readonly ColumnKind _kind;
    private double[] _values = new double[1024];
    private int _count;

    public NumericColumnBuilder(string file, string name, ColumnKind kind, bool missingAllowed)
        : base(file, name, missingAllowed) => _kind = kind;

    public override void Add(ReadOnlySpan<char> text, long row) => Append(Parse(text, row));

    /// <summary>Adds a value that is already a number (from a typed Parquet column).</summary>
    public void AddNumber(double value, long row)
    {
        if (!double.IsFinite(value)) throw new TableFormatException(File, row, Name, "a finite number", value.ToString(CultureInfo.InvariantCulture));
        if (_kind == ColumnKind.Integer && value != Math.Round(value))
            throw new TableFormatException(File, row, Name, "an integer", value.ToString("R", CultureInfo.InvariantCulture));
        Append(value);
    }

    private double Parse(ReadOnlySpan<char> text, long row)
    {
        // Hex, thousands separators and culture-specific forms are refused: "1,234" in a CSV is ambiguous.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new TableFormatException(File, row, Name, _kind == ColumnKind.Integer ? "an integer" : "a number", PrivateValues.Quote(text));
        if (_kind == ColumnKind.Integer && v != Math.Round(v))
            throw new TableFormatException(File, row, Name, "an integer", PrivateValues.Quote(text));
        return v;
    }

    protected override void AddMissingValue() => Append(double.NaN);

    private void Append(double v)
    {
        Grow(ref _values, _count);
        _values[_count++] = v;
    }

    public override TableColumn Build() => new NumericColumn(Name, _kind, _values, _count);
}

/// <summary>
/// Dictionary-encodes labels as they are read. Lookups go through a span-keyed view of the
/// dictionary, so a repeated label costs a hash and no allocation.
/// </summary>
internal sealed class CategoricalColumnBuilder : ColumnBuilder
{
    private readonly ColumnKind _kind;
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _levels = [];
    private readonly int _declared;
    private readonly bool _closed;
    private int[] _rows = new int[1024];
    private int _count;

    /// <param name="file">File name for messages.</param>
    /// <param name="name">Column name.</param>
    /// <param name="kind">Categorical, ordinal or boolean.</param>
    /// <param name="missingAllowed">Whether missing values may occur.</param>
    /// <param name="declared">A declared (public) category list: its values get the first codes, in order.</param>
    /// <param name="closed">Whether a value outside <paramref name="declared"/> is refused.</param>
    public CategoricalColumnBuilder(string file, string name, ColumnKind kind, bool missingAllowed, IReadOnlyList<string>? declared = null, bool closed = false)
        : base(file, name, missingAllowed)
    {
        _kind = kind;
        _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (kind == ColumnKind.Boolean) declared = BooleanText.Levels;
        foreach (var level in declared ?? []) AddLevel(level);
        _declared = _levels.Count;
        _closed = closed && declared is not null;
    }

    public override void Add(ReadOnlySpan<char> text, long row)
    {
        if (_kind == ColumnKind.Boolean)
        {
            int b = BooleanText.Parse(text);
            if (b < 0) throw new TableFormatException(File, row, Name, "a boolean (true/false, yes/no, t/f, y/n or 1/0)", PrivateValues.Quote(text));
            Append(b);
            return;
        }
        if (!_lookup.TryGetValue(text, out int code))
        {
            if (_closed)
                throw new TableFormatException(File, row, Name, $"one of the {_declared} declared categories", PrivateValues.Quote(text));
            code = AddLevel(text.ToString());
        }
        Append(code);
    }

    /// <summary>Adds a value that is already a string (from a Parquet column).</summary>
    public void AddString(string? text, long row)
    {
        if (text is null) AddMissing(row);
        else Add(text, row);
    }

    protected override void AddMissingValue() => Append(-1);

    private int AddLevel(string level)
    {
        int code = _levels.Count;
        _codes.Add(level, code);
        _levels.Add(level);
        return code;
    }

    private void Append(int code)
    {
        Grow(ref _rows, _count);
        _rows[_count++] = code;
    }

    public override TableColumn Build() => new CategoricalColumn(Name, _kind, _rows, _count, _levels);
}

/// <summary>Reads cells of a column that is not kept (role ignore), so that ragged rows are still caught.</summary>
internal sealed class SkippedColumnBuilder(string file, string name) : ColumnBuilder(file, name, missingAllowed: true)
{
    public override void Add(ReadOnlySpan<char> text, long row) { }
    protected override void AddMissingValue() { }
    public override TableColumn Build() => throw new InvalidOperationException("A skipped column is not built.");
}

/// <summary>The accepted spellings of booleans; written back as false/true.</summary>
internal static class BooleanText
{
    public static readonly string[] Levels = ["false", "true"];

    /// <summary>0 for false, 1 for true, −1 when <paramref name="text"/> is not a boolean.</summary>
    public static int Parse(ReadOnlySpan<char> text)
    {
        if (Is(text, "true") || Is(text, "yes") || Is(text, "t") || Is(text, "y") || Is(text, "1")) return 1;
        if (Is(text, "false") || Is(text, "no") || Is(text, "f") || Is(text, "n") || Is(text, "0")) return 0;
        return -1;
    }

    private static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
}
