using System.Text;

namespace DpSynth.Models.Twins;

/// <summary>
/// A regression formula in a small Wilkinson–Rogers (R-style) syntax:
/// <c>outcome ~ term + term - term</c>. A term is a column name (bare, or in backquotes when the
/// name holds other characters than letters, digits, '_' and '.'), <c>1</c> (the intercept,
/// present by default), <c>0</c>, or <c>offset(column)</c> (a numeric column added to the linear
/// predictor with coefficient 1, e.g. log exposure in a Poisson model). <c>- 1</c> or <c>+ 0</c>
/// drops the intercept; <c>- name</c> removes a term. <c>outcome ~ 1</c> is the intercept-only
/// model. As in R, without an intercept the first categorical covariate gets one column per level
/// (cell means) instead of a reference level. Interactions (<c>:</c>, <c>*</c>) and
/// transformations are not supported.
/// </summary>
public sealed class Formula
{
    private Formula(string text, string outcome, IReadOnlyList<string> terms, bool hasIntercept, string? offset)
    {
        Text = text;
        Outcome = outcome;
        Terms = terms;
        HasIntercept = hasIntercept;
        Offset = offset;
    }

    /// <summary>The formula as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>The outcome column.</summary>
    public string Outcome { get; }

    /// <summary>The covariate columns, in formula order, without duplicates.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Whether the model has an intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>The offset column, or null.</summary>
    public string? Offset { get; }

    /// <summary>Every column the formula reads: outcome, terms, offset.</summary>
    public IEnumerable<string> Columns
    {
        get
        {
            yield return Outcome;
            foreach (var t in Terms) yield return t;
            if (Offset is not null) yield return Offset;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormulaException">The text is not a valid formula (one-line message with the position).</exception>
    public static Formula Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var p = new Parser(text);
        string outcome = p.Name("the outcome column");
        p.Expect('~');
        var terms = new List<string>();
        bool intercept = true;
        string? offset = null;
        bool first = true;
        while (true)
        {
            char sign = '+';
            if (!first)
            {
                if (p.AtEnd) break;
                sign = p.Peek();
                if (sign is ':' or '*') throw p.Error("interactions (':' and '*') are not supported");
                if (sign is not ('+' or '-')) throw p.Error("'+' or '-' between terms");
                p.Advance();
            }
            else if (!p.AtEnd && p.Peek() == '-')
            {
                sign = '-';
                p.Advance();
            }
            if (p.AtEnd) throw p.Error(first ? "a column name, 0 or 1" : "a term after '" + sign + "'");
            first = false;
            char c = p.Peek();
            if (c is '0' or '1' && p.IsNumberTerm())
            {
                p.Advance();
                // "+ 1" keeps the intercept; "- 1", "+ 0" drop it; "- 0" keeps it (as in R).
                intercept = (c == '1') == (sign == '+');
                continue;
            }
            int at = p.Position;
            string name = p.Name("a column name, 0 or 1");
            if (name == "offset" && !p.WasQuoted && p.TryConsume('('))
            {
                if (sign == '-') throw p.Error("an offset cannot be removed with '-'", at);
                if (offset is not null) throw p.Error("at most one offset(...)", at);
                offset = p.Name("the offset column");
                p.Expect(')');
                if (offset == outcome) throw p.Error($"an offset other than the outcome \"{outcome}\"", at);
                continue;
            }
            if (name == outcome) throw p.Error($"covariates other than the outcome \"{outcome}\"", at);
            if (sign == '+') { if (!terms.Contains(name)) terms.Add(name); }
            else if (!terms.Remove(name)) throw p.Error($"'- {name}' to remove a term added before it", at);
        }
        if (!intercept && terms.Count == 0)
            throw new FormulaException($"formula \"{OneLine(text)}\": the model has no intercept and no covariates");
        return new Formula(text.Trim(), outcome, terms, intercept, offset);
    }

    internal static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ').Trim();

    /// <summary>A cursor over the formula text that skips white space between tokens.</summary>
    private sealed class Parser(string text)
    {
        private int _pos;

        public int Position { get { SkipSpace(); return _pos; } }
        public bool AtEnd { get { SkipSpace(); return _pos >= text.Length; } }
        public bool WasQuoted { get; private set; }

        public char Peek() { SkipSpace(); return text[_pos]; }
        public void Advance() => _pos++;

        /// <summary>A lone 0 or 1 (not the start of a column name such as "1st_visit").</summary>
        public bool IsNumberTerm() => _pos + 1 >= text.Length || !IsNameChar(text[_pos + 1]);

        public bool TryConsume(char c)
        {
            if (AtEnd || text[_pos] != c) return false;
            _pos++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"'{c}'");
        }

        public string Name(string what)
        {
            SkipSpace();
            WasQuoted = false;
            if (_pos < text.Length && text[_pos] == '`')
            {
                int close = text.IndexOf('`', _pos + 1);
                if (close < 0) throw Error("a closing backquote");
                if (close == _pos + 1) throw Error(what + " inside the backquotes");
                string quoted = text[(_pos + 1)..close];
                _pos = close + 1;
                WasQuoted = true;
                return quoted;
            }
            var sb = new StringBuilder();
            while (_pos < text.Length && IsNameChar(text[_pos])) sb.Append(text[_pos++]);
            if (sb.Length == 0) throw Error(what);
            return sb.ToString();
        }

        public FormulaException Error(string expected, int? at = null)
        {
            int pos = at ?? Position;
            string found = pos >= text.Length ? "the end" : $"'{text[pos]}'";
            return new FormulaException($"formula \"{OneLine(text)}\", column {pos + 1}: expected {expected}, found {found}");
        }

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.';

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }
    }
}

/// <summary>A formula that cannot be parsed, or that does not fit the table it is applied to.</summary>
public sealed class FormulaException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public FormulaException(string message) : base(Formula.OneLine(message)) { }
}
