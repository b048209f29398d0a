namespace DpSynth.Models.Tabular;

/// <summary>
/// Splits RFC 4180 CSV into records and fields without allocating per field: each field is a
/// range of an internal buffer that stays valid until the next <see cref="ReadRecord"/>.
/// Handles quoted fields with embedded separators, newlines and doubled quotes, and CRLF, LF or
/// CR line ends. The caller's reader strips a BOM.
/// </summary>
internal sealed class CsvTokenizer
{
    private readonly TextReader _reader;
    private readonly char _separator;
    private readonly string _file;
    private char[] _buffer = new char[1 << 16];
    private int _length;
    private int _position;
    private bool _endOfInput;
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];
    private bool[] _quoted = new bool[64];
    private bool[] _escaped = new bool[64];

    public CsvTokenizer(TextReader reader, char separator, string file)
    {
        _reader = reader;
        _separator = separator;
        _file = file;
    }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>1-based number of the current record (the header is record 1).</summary>
    public long RecordNumber { get; private set; }

    /// <summary>The text of field <paramref name="i"/> of the current record, quotes removed.</summary>
    public ReadOnlySpan<char> Field(int i) => _buffer.AsSpan(_starts[i], _lengths[i]);

    /// <summary>Whether field <paramref name="i"/> was quoted (quoted text is never trimmed).</summary>
    public bool IsQuoted(int i) => _quoted[i];

    /// <summary>Whether the current record is one empty line.</summary>
    public bool IsBlankLine => FieldCount == 1 && _lengths[0] == 0 && !_quoted[0];

    /// <summary>Reads the next record; false at the end of the input.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            if (_position >= _length && !Fill()) return false;
            int end = TryScan(_position);
            if (end >= 0)
            {
                RecordNumber++;
                _position = end;
                return true;
            }
            // The record runs past the buffer: keep its start, read more, and scan it again.
            // Scanning does not modify the buffer, so starting over is safe.
            if (!Fill())
            {
                // The last record has no line end: scan it once more as if one followed.
                end = TryScan(_position, atEnd: true);
                RecordNumber++;
                _position = end;
                return true;
            }
        }
    }

    /// <summary>
    /// Scans one record from <paramref name="start"/>; returns the position after its line end, or
    /// −1 when the buffer ends first (unless <paramref name="atEnd"/>, when the input ends there).
    /// </summary>
    private int TryScan(int start, bool atEnd = false)
    {
        var buf = _buffer;
        int i = start, field = 0;
        while (true)
        {
            EnsureFieldCapacity(field);
            if (i < _length && buf[i] == '"')
            {
                int contentStart = i + 1;
                i++;
                bool closed = false, hasEscapes = false;
                while (i < _length)
                {
                    if (buf[i] == '"')
                    {
                        if (i + 1 >= _length) { if (!atEnd) return -1; i++; closed = true; break; }
                        if (buf[i + 1] == '"') { hasEscapes = true; i += 2; continue; }
                        i++; closed = true; break;
                    }
                    i++;
                }
                if (!closed)
                {
                    if (!atEnd) return -1;
                    throw new TableFormatException(_file, RecordNumber + 1, FieldName(field), "a closing quote before the end of the file");
                }
                _starts[field] = contentStart;
                _lengths[field] = i - 1 - contentStart;
                _quoted[field] = true;
                _escaped[field] = hasEscapes;
                if (i < _length && buf[i] != _separator && buf[i] != '\n' && buf[i] != '\r')
                    throw new TableFormatException(_file, RecordNumber + 1, FieldName(field), "a separator or line end after a closing quote", $"'{buf[i]}'");
            }
            else
            {
                int s = i;
                while (i < _length && buf[i] != _separator && buf[i] != '\n' && buf[i] != '\r') i++;
                _starts[field] = s;
                _lengths[field] = i - s;
                _quoted[field] = false;
                _escaped[field] = false;
            }
            field++;
            if (i >= _length)
            {
                if (!atEnd) return -1;
                return Complete(field, i);
            }
            char c = buf[i];
            if (c == _separator) { i++; continue; }
            // Line end: CR, LF or CRLF. A CR at the very end of the buffer may be half of a CRLF.
            if (c == '\r')
            {
                if (i + 1 >= _length && !atEnd) return -1;
                i += i + 1 < _length && buf[i + 1] == '\n' ? 2 : 1;
            }
            else i++;
            return Complete(field, i);
        }
    }

    /// <summary>
    /// Ends a fully scanned record. Doubled quotes are undone only now, in place, because
    /// unescaping rewrites the buffer and an incomplete record must be scannable again.
    /// </summary>
    private int Complete(int fields, int next)
    {
        FieldCount = fields;
        var buf = _buffer;
        for (int f = 0; f < fields; f++)
        {
            if (!_escaped[f]) continue;
            int w = _starts[f], end = _starts[f] + _lengths[f];
            for (int r = w; r < end; r++)
            {
                buf[w++] = buf[r];
                if (buf[r] == '"') r++; // skip the second quote of a pair
            }
            _lengths[f] = w - _starts[f];
        }
        return next;
    }

    private static string FieldName(int field) => (field + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Moves the unread tail to the front, grows the buffer if one record fills it, and reads more.</summary>
    private bool Fill()
    {
        if (_endOfInput) return false;
        int keep = _length - _position;
        if (keep > 0 && _position > 0) Array.Copy(_buffer, _position, _buffer, 0, keep);
        _position = 0;
        _length = keep;
        if (_length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int read = _reader.Read(_buffer, _length, _buffer.Length - _length);
        if (read == 0) { _endOfInput = true; return false; }
        _length += read;
        return true;
    }

    private void EnsureFieldCapacity(int field)
    {
        if (field < _starts.Length) return;
        Array.Resize(ref _starts, _starts.Length * 2);
        Array.Resize(ref _lengths, _lengths.Length * 2);
        Array.Resize(ref _quoted, _quoted.Length * 2);
        Array.Resize(ref _escaped, _escaped.Length * 2);
    }
}
