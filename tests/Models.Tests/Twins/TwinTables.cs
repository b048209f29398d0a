using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Twins;

/// <summary>Builds small in-memory tables for the analysis tests (no files).</summary>
internal static class TwinTables
{
    public static NumericColumn Numeric(string name, params double[] values) =>
        new(name, ColumnKind.Continuous, values, values.Length);

    /// <summary>A categorical column whose dictionary is the values in order of first appearance (null = missing).</summary>
    public static CategoricalColumn Categorical(string name, params string?[] values)
    {
        var levels = new List<string>();
        var codes = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null) { codes[i] = -1; continue; }
            int c = levels.IndexOf(values[i]!);
            if (c < 0) { c = levels.Count; levels.Add(values[i]!); }
            codes[i] = c;
        }
        return new CategoricalColumn(name, ColumnKind.Categorical, codes, values.Length, levels);
    }

    public static Table Table(string source, params TableColumn[] columns) => new(source, columns);

    /// <summary>
    /// A clinic-like table: group ∈ {A, B, C} with frequencies 50/30/20 %, x ~ N(0, 1), and a
    /// logistic or Poisson outcome y from the given coefficients (intercept, B, C, x); Poisson
    /// rows also carry an exposure offset log_t.
    /// </summary>
    public static Table Simulated(string source, int rows, int seed, bool poisson, double[] beta)
    {
        var rng = new Random(seed);
        string[] names = ["A", "B", "C"];
        var group = new string?[rows];
        var x = new double[rows];
        var y = new double[rows];
        var logT = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double u = rng.NextDouble();
            int g = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
            group[i] = names[g];
            x[i] = Gaussian(rng);
            logT[i] = poisson ? Math.Log(0.5 + rng.NextDouble()) : 0;
            double eta = beta[0] + (g == 1 ? beta[1] : 0) + (g == 2 ? beta[2] : 0) + beta[3] * x[i] + logT[i];
            y[i] = poisson ? PoissonDraw(rng, Math.Exp(eta)) : (rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0);
        }
        return Table(source, Categorical("group", group), Numeric("x", x), Numeric("log_t", logT), Numeric("y", y));
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double PoissonDraw(Random rng, double mean)
    {
        // Knuth's product method: fine for the small means used here.
        double limit = Math.Exp(-mean), prod = rng.NextDouble();
        int k = 0;
        while (prod > limit) { k++; prod *= rng.NextDouble(); }
        return k;
    }
}
