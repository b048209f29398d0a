using System.Globalization;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Twins;

/// <summary>
/// The numbers a GLM is fitted to: the design matrix X (row-major, one row per record, columns as
/// in <see cref="DesignLayout.CoefficientNames"/>), the outcome y and the offset (zero when the
/// formula has none). Built by <see cref="DesignLayout.Build"/>.
/// </summary>
public sealed class DesignMatrix
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _offset;

    private DesignMatrix(DesignLayout layout, double[] x, double[] y, double[] offset, int rows, int dropped)
    {
        Layout = layout;
        _x = x;
        _y = y;
        _offset = offset;
        Rows = rows;
        DroppedRows = dropped;
    }

    /// <summary>The coding the matrix was built with.</summary>
    public DesignLayout Layout { get; }

    /// <summary>Number of records (rows of X).</summary>
    public int Rows { get; }

    /// <summary>Number of coefficients (columns of X).</summary>
    public int Columns => Layout.Width;

    /// <summary>Rows left out for a missing value (only with <see cref="DesignOptions.DropIncompleteRows"/>).</summary>
    public int DroppedRows { get; }

    /// <summary>Whether the formula has an offset.</summary>
    public bool HasOffset => Layout.Formula.Offset is not null;

    /// <summary>Row <paramref name="row"/> of X.</summary>
    public ReadOnlySpan<double> Row(int row) => _x.AsSpan(row * Columns, Columns);

    /// <summary>Element (<paramref name="row"/>, <paramref name="column"/>) of X.</summary>
    public double this[int row, int column] => _x[row * Columns + column];

    /// <summary>The outcome, one value per row.</summary>
    public ReadOnlySpan<double> Outcome => _y.AsSpan(0, Rows);

    /// <summary>The offset, one value per row (zeros when the formula has none).</summary>
    public ReadOnlySpan<double> Offset => _offset.AsSpan(0, Rows);

    internal static DesignMatrix Create(DesignLayout layout, IReadOnlyList<Table> tables)
    {
        int p = layout.Width;
        long total = 0;
        foreach (var t in tables) total += t.RowCount;
        if (total * p > Array.MaxLength) throw new ArgumentException($"The design matrix would have {total} × {p} entries, too many for one array.");
        var x = new double[total * p];
        var y = new double[total];
        var offset = new double[total];
        int n = 0, dropped = 0;
        var f = layout.Formula;
        foreach (var table in tables)
        {
            var outcome = OutcomeValues(table, f);
            double[]? off = f.Offset is { } o ? Numeric(table, o, f) : null;
            var termValues = new object[layout.Terms.Count];
            for (int k = 0; k < termValues.Length; k++)
            {
                var term = layout.Terms[k];
                if (!term.IsCategorical) { termValues[k] = Numeric(table, term.Column, f); continue; }
                if (DesignLayout.Require(table, term.Column, f) is not CategoricalColumn cat)
                    throw new TableFormatException(table.Source, 0, term.Column, "a categorical column as in the design layout, got a numeric one");
                var map = DesignLayout.LevelMap(cat, term.Levels, table.Source, "the design layout");
                var codes = new int[table.RowCount];
                var raw = cat.Codes;
                for (int i = 0; i < codes.Length; i++) codes[i] = raw[i] < 0 ? -1 : map[raw[i]];
                termValues[k] = codes;
            }

            for (int i = 0; i < table.RowCount; i++)
            {
                string? missing = MissingColumn(layout, termValues, outcome, off, i);
                if (missing is not null)
                {
                    if (layout.Options.DropIncompleteRows) { dropped++; continue; }
                    throw new TableFormatException(table.Source, i + 2, missing,
                        "a value (rows with missing values are refused in the analysis unless they are dropped explicitly)");
                }
                var row = x.AsSpan(n * p, p);
                if (f.HasIntercept) row[0] = 1;
                for (int k = 0; k < termValues.Length; k++)
                {
                    var term = layout.Terms[k];
                    if (termValues[k] is double[] v) row[term.FirstCoefficient] = v[i];
                    else
                    {
                        // Treatment coding: level 0 of the term is the reference and has no column
                        // (unless the term has no reference and so one column per level).
                        int column = ((int[])termValues[k])[i] - (term.Reference is null ? 0 : 1);
                        if (column >= 0) row[term.FirstCoefficient + column] = 1;
                    }
                }
                y[n] = outcome[i];
                offset[n] = off is null ? 0 : off[i];
                n++;
            }
        }
        return new DesignMatrix(layout, x, y, offset, n, dropped);
    }

    private static string? MissingColumn(DesignLayout layout, object[] termValues, double[] outcome, double[]? off, int i)
    {
        if (double.IsNaN(outcome[i])) return layout.Formula.Outcome;
        for (int k = 0; k < termValues.Length; k++)
        {
            bool missing = termValues[k] is double[] v ? !double.IsFinite(v[i]) : ((int[])termValues[k])[i] < 0;
            if (missing) return layout.Terms[k].Column;
        }
        if (off is not null && !double.IsFinite(off[i])) return layout.Formula.Offset;
        return null;
    }

    private static double[] Numeric(Table table, string column, Formula f)
    {
        if (DesignLayout.Require(table, column, f) is not NumericColumn c)
            throw new TableFormatException(table.Source, 0, column, "a numeric column as in the design layout, got a categorical one");
        return c.Values.ToArray();
    }

    /// <summary>
    /// The outcome as numbers. A numeric column is used as-is; a boolean or label column is
    /// accepted when every level reads as a number or a boolean (a 0/1 column may have been
    /// inferred as boolean), so that "false"/"true" become 0/1.
    /// </summary>
    private static double[] OutcomeValues(Table table, Formula f)
    {
        var column = DesignLayout.Require(table, f.Outcome, f);
        if (column is NumericColumn num) return num.Values.ToArray();
        var cat = (CategoricalColumn)column;
        var levelValues = new double[cat.Levels.Count];
        for (int i = 0; i < levelValues.Length; i++)
        {
            string s = cat.Levels[i];
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) levelValues[i] = v;
            else if (BooleanText.Parse(s) is var b and >= 0) levelValues[i] = b;
            else throw new TableFormatException(table.Source, 0, f.Outcome, "a numeric or boolean outcome, got a text label", PrivateValues.Quote(s));
        }
        var values = new double[cat.Length];
        var codes = cat.Codes;
        for (int i = 0; i < values.Length; i++) values[i] = codes[i] < 0 ? double.NaN : levelValues[codes[i]];
        return values;
    }
}
