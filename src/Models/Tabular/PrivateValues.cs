namespace DpSynth.Models.Tabular;

/// <summary>
/// Private cell values that explain an error but may not appear in its message (the privacy
/// contract: messages carry no private value). The value rides on the exception instead, where
/// a caller that was asked to reveal it (the CLI's --verbose-errors) can find it.
/// </summary>
public static class PrivateValues
{
    private const string Key = "DpSynth.PrivateValue";

    /// <summary>Attaches <paramref name="value"/> (as it should be shown, e.g. quoted) to <paramref name="exception"/>; returns the exception.</summary>
    public static T Attach<T>(T exception, string value) where T : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        exception.Data[Key] = value;
        return exception;
    }

    /// <summary>The private value attached to <paramref name="exception"/> or to one of its inner exceptions, or null.</summary>
    public static string? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e.Data[Key] is string value) return value;
        return null;
    }

    /// <summary>Quotes a data value, shortened so that one bad cell cannot flood the terminal, on one line.</summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        const int max = 40;
        string s = value.Length > max ? string.Concat(value[..max], "…") : value.ToString();
        return "\"" + s.Replace('\r', ' ').Replace('\n', ' ') + "\"";
    }
}
