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
    private readonly IReadOnlyList<string>? _labels;
    private readonly BooleanSpellings? _spellings;
    private int[] _rows = new int[1024];
    private int _count;

    /// <param name="file">File name for messages.</param>
    /// <param name="name">Column name.</param>
    /// <param name="kind">Categorical, ordinal or boolean.</param>
    /// <param name="missingAllowed">Whether missing values may occur.</param>
    /// <param name="declared">A declared (public) category list: its values get the first codes, in order.</param>
    /// <param name="closed">Whether a value outside <paramref name="declared"/> is refused.</param>
    /// <param name="labels">Declared spellings (false, true) of a boolean column, accepted besides the standard ones.</param>
    public CategoricalColumnBuilder(string file, string name, ColumnKind kind, bool missingAllowed, IReadOnlyList<string>? declared = null, bool closed = false,
        IReadOnlyList<string>? labels = null)
        : base(file, name, missingAllowed)
    {
        _kind = kind;
        _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (kind == ColumnKind.Boolean)
        {
            declared = BooleanText.Levels;
            _labels = labels;
            _spellings = new BooleanSpellings();
        }
        foreach (var level in declared ?? []) AddLevel(level);
        _declared = _levels.Count;
        _closed = closed && declared is not null;
    }

    public override void Add(ReadOnlySpan<char> text, long row)
    {
        if (_kind == ColumnKind.Boolean)
        {
            int b = BooleanText.Parse(text, _labels);
            if (b < 0) throw new TableFormatException(File, row, Name, "a boolean (" + BooleanText.Accepted(_labels) + ")", PrivateValues.Quote(text));
            _spellings!.Add(text);
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

    public override TableColumn Build() => new CategoricalColumn(Name, _kind, _rows, _count, _levels) { Spellings = _spellings?.Counts };
}

/// <summary>
/// How often each spelling of a boolean was written ("yes", "Y", "1"…): private counts, kept only
/// so that the spellings can be discovered with DP and written back.
/// </summary>
internal sealed class BooleanSpellings
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public BooleanSpellings() => _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void Add(ReadOnlySpan<char> spelling, long times = 1)
    {
        if (_lookup.TryGetValue(spelling, out long n)) _lookup[spelling] = n + times;
        else _counts.Add(spelling.ToString(), times);
    }
}

/// <summary>Reads cells of a column that is not kept (role ignore), so that ragged rows are still caught.</summary>
internal sealed class SkippedColumnBuilder(string file, string name) : ColumnBuilder(file, name, missingAllowed: true)
{
    public override void Add(ReadOnlySpan<char> text, long row) { }
    protected override void AddMissingValue() { }
    public override TableColumn Build() => throw new InvalidOperationException("A skipped column is not built.");
}

/// <summary>
/// The accepted spellings of booleans (any letter case): true/false, yes/no, t/f, y/n, 1/0, plus a
/// column's declared labels. In memory a boolean is the level "false" or "true"; it is written back
/// in the spellings the column's encoder holds (declared, discovered with DP, or false/true).
/// </summary>
internal static class BooleanText
{
    public static readonly string[] Levels = ["false", "true"];

    private static readonly string[] TrueWords = ["true", "yes", "t", "y", "1"];
    private static readonly string[] FalseWords = ["false", "no", "f", "n", "0"];

    /// <summary>0 for false, 1 for true, −1 when <paramref name="text"/> is not a boolean.</summary>
    /// <param name="text">The cell.</param>
    /// <param name="labels">Declared spellings (false, true), matched exactly before the standard ones; null for none.</param>
    public static int Parse(ReadOnlySpan<char> text, IReadOnlyList<string>? labels = null)
    {
        if (labels is [var no, var yes])
        {
            if (text.SequenceEqual(no)) return 0;
            if (text.SequenceEqual(yes)) return 1;
        }
        foreach (var w in TrueWords) if (Is(text, w)) return 1;
        foreach (var w in FalseWords) if (Is(text, w)) return 0;
        return -1;
    }

    /// <summary>The accepted spellings, for messages.</summary>
    public static string Accepted(IReadOnlyList<string>? labels) =>
        (labels is [var no, var yes] ? $"{no}/{yes}, " : "") + "true/false, yes/no, t/f, y/n or 1/0";

    /// <summary>
    /// The spelling of the opposite value in the same style ("Yes" → "No", "Y" → "N", "1" → "0"),
    /// or null when <paramref name="spelling"/> is not a standard one.
    /// </summary>
    public static string? Partner(string spelling)
    {
        int value = Parse(spelling);
        if (value < 0) return null;
        var (from, to) = value == 1 ? (TrueWords, FalseWords) : (FalseWords, TrueWords);
        int i = Array.FindIndex(from, w => Is(spelling, w));
        string word = to[i];
        if (spelling.All(ch => !char.IsLetter(ch) || char.IsUpper(ch)) && spelling.Any(char.IsLetter)) return word.ToUpperInvariant();
        if (char.IsUpper(spelling[0])) return char.ToUpperInvariant(word[0]) + word[1..];
        return word;
    }

    private static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
}
