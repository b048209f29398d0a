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
    /// <param name="expected">What was expected, e.g. "a number" — never a private cell value.</param>
    /// <param name="privateValue">
    /// The offending value from the data, if any: kept out of the message and attached with
    /// <see cref="PrivateValues"/> for a caller that was asked to reveal it.
    /// </param>
    public TableFormatException(string file, long row, string? column, string expected, string? privateValue = null)
        : base(Format(file, row, column, expected))
    {
        File = file;
        Row = row;
        Column = column;
        Expected = expected;
        if (privateValue is not null) PrivateValues.Attach(this, privateValue);
    }

    /// <summary>File name as the user gave it.</summary>
    public string File { get; }

    /// <summary>1-based row (in a CSV the header is row 1); 0 when the problem is not in one row.</summary>
    public long Row { get; }

    /// <summary>Column name, or null when the problem is not in one column.</summary>
    public string? Column { get; }

    /// <summary>What was expected (without the private value found).</summary>
    public string Expected { get; }

    private static string Format(string file, long row, string? column, string expected)
    {
        // One line always: column names may carry newlines.
        string text = $"{file}:{(row > 0 ? row.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}:{column ?? "-"}: expected {expected}";
        return text.Replace('\r', ' ').Replace('\n', ' ');
    }
}
