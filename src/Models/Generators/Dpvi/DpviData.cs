using DpSynth.Models.Tabular;

namespace DpSynth.Models.Generators.Dpvi;

/// <summary>
/// A private table in the form the DPVI objective reads: per categorical covariate the level index
/// of every row, per numeric covariate the value standardised by its public bounds (clamped), and
/// the outcome as a number (a count, or 0/1). Missing values: a column declared with missing
/// values gets a "missing" category of its own (categorical covariates only); anywhere else a
/// missing value is refused.
/// </summary>
public sealed class DpviData
{
    private DpviData(int rows, int[]?[] codes, double[]?[] values, double[]? outcome)
    {
        Rows = rows;
        Codes = codes;
        Values = values;
        Outcome = outcome;
    }

    /// <summary>Number of records N.</summary>
    public int Rows { get; }

    /// <summary>Per covariate (layout order): the level index of every row, or null for a numeric covariate.</summary>
    public IReadOnlyList<int[]?> Codes { get; }

    /// <summary>Per covariate (layout order): the standardised value of every row, or null for a categorical covariate.</summary>
    public IReadOnlyList<double[]?> Values { get; }

    /// <summary>The outcome of every row (a count, or 0/1), or null when the model has none.</summary>
    public double[]? Outcome { get; }

    /// <summary>Encodes <paramref name="table"/> under <paramref name="layout"/>.</summary>
    /// <remarks>Rows in messages count the header as row 1, as in the CSV file.</remarks>
    /// <exception cref="TableFormatException">A column is absent or of the wrong kind, or a value does not fit the public schema (naming the column and row).</exception>
    public static DpviData Encode(Table table, DpviLayout layout)
    {
        int n = table.RowCount;
        var codes = new int[]?[layout.Covariates.Count];
        var values = new double[]?[layout.Covariates.Count];
        for (int j = 0; j < layout.Covariates.Count; j++)
        {
            var c = layout.Covariates[j];
            var column = Column(table, c.Name);
            if (c.IsCategorical) codes[j] = EncodeCategorical(table, column, c);
            else
            {
                var numeric = column as NumericColumn ?? throw new TableFormatException(table.Source, 0, c.Name, "a numeric column");
                var v = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double x = numeric.Values[i];
                    if (!double.IsFinite(x)) throw new TableFormatException(table.Source, i + 2, c.Name, "a number (DPVI twins do not model missing numeric values)");
                    v[i] = c.Standardise(x);
                }
                values[j] = v;
            }
        }
        double[]? outcome = layout.Outcome is { } o ? EncodeOutcome(table, Column(table, o.Name), o) : null;
        return new DpviData(n, codes, values, outcome);
    }

    private static TableColumn Column(Table table, string name) =>
        table.Find(name) ?? throw new TableFormatException(table.Source, 0, name, "this column, which the schema models");

    private static int[] EncodeCategorical(Table table, TableColumn column, DpviCovariate c)
    {
        var categorical = column as CategoricalColumn ?? throw new TableFormatException(table.Source, 0, c.Name, "a categorical column");
        int publicLevels = c.LevelCount - (c.HasMissingLevel ? 1 : 0) - (c.HasOtherLevel ? 1 : 0);
        // Table levels → public levels, by text. A table level outside the public list is either
        // merged into "other" (non-closed lists) or refused.
        var map = new int[categorical.Levels.Count];
        for (int l = 0; l < map.Length; l++)
        {
            int index = -1;
            for (int p = 0; p < publicLevels; p++)
                if (c.Levels![p] == categorical.Levels[l]) { index = p; break; }
            map[l] = index >= 0 ? index : c.HasOtherLevel ? publicLevels : -1;
        }
        var codes = new int[table.RowCount];
        var source = categorical.Codes;
        for (int i = 0; i < codes.Length; i++)
        {
            int code = source[i];
            if (code < 0)
            {
                if (!c.HasMissingLevel) throw new TableFormatException(table.Source, i + 2, c.Name, "a value (the schema does not declare missing values)");
                codes[i] = c.LevelCount - 1;
            }
            else if (map[code] < 0) throw new TableFormatException(table.Source, i + 2, c.Name, $"one of the {publicLevels} public categories");
            else codes[i] = map[code];
        }
        return codes;
    }

    private static double[] EncodeOutcome(Table table, TableColumn column, DpviOutcome o)
    {
        var y = new double[table.RowCount];
        if (o.Family == DpviOutcomeFamily.Poisson)
        {
            var numeric = column as NumericColumn ?? throw new TableFormatException(table.Source, 0, o.Name, "a numeric outcome column");
            for (int i = 0; i < y.Length; i++)
            {
                double v = numeric.Values[i];
                if (!(v >= 0) || double.IsInfinity(v) || v != Math.Floor(v))
                    throw new TableFormatException(table.Source, i + 2, o.Name, "a non-negative whole count (Poisson outcome)");
                y[i] = Math.Clamp(v, o.Min, o.Max);
            }
            return y;
        }
        var categorical = column as CategoricalColumn ?? throw new TableFormatException(table.Source, 0, o.Name, "a categorical outcome column");
        var map = categorical.Levels.Select(l => l == o.Levels![1] ? 1 : l == o.Levels[0] ? 0 : -1).ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            int code = categorical.Codes[i];
            int v = code < 0 ? -1 : map[code];
            if (v < 0) throw new TableFormatException(table.Source, i + 2, o.Name, $"{o.Levels![0]} or {o.Levels[1]} (logistic outcome)");
            y[i] = v;
        }
        return y;
    }
}
