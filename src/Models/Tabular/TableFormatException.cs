namespace DpSynth.Models.Tabular;

/// <summary>
/// Bad input: a malformed table file, or data that does not match its schema. Carries where the
/// problem is (file, row, column) and what was expected, so that the CLI can print one line
/// "file:row:column: expected …" instead of a stack trace.
/// </summary>
public sealed class TableFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">File name as the user gave it.</param>
    /// <param name="row">1-based row (in a CSV the header is row 1); 0 when the problem is not in one row.</param>
    /// <param name="column">Column name (or 1-based position when there is no name); null when not in one column.</param>
    /// <param name="expected">What was expected, e.g. "a number, got \"abc\"".</param>
    public TableFormatException(string file, long row, string? column, string expected)
        : base(Format(file, row, column, expected))
    {
        File = file;
        Row = row;
        Column = column;
        Expected = expected;
    }

    /// <summary>File name as the user gave it.</summary>
    public string File { get; }

    /// <summary>1-based row (in a CSV the header is row 1); 0 when the problem is not in one row.</summary>
    public long Row { get; }

    /// <summary>Column name, or null when the problem is not in one column.</summary>
    public string? Column { get; }

    /// <summary>What was expected and, where useful, what was found.</summary>
    public string Expected { get; }

    private static string Format(string file, long row, string? column, string expected)
    {
        // One line always: values quoted from the data may carry newlines.
        string text = $"{file}:{(row > 0 ? row.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}:{column ?? "-"}: expected {expected}";
        return text.Replace('\r', ' ').Replace('\n', ' ');
    }

    /// <summary>Quotes a data value for a message, shortened so that one bad cell cannot flood the terminal.</summary>
    internal static string Quote(ReadOnlySpan<char> value)
    {
        const int max = 40;
        string s = value.Length > max ? string.Concat(value[..max], "…") : value.ToString();
        return "\"" + s + "\"";
    }
}
