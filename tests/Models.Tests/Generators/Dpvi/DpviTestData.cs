using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators.Dpvi;

/// <summary>A small public schema and tables drawn from a known two-component mixture with a known outcome regression.</summary>
internal static class DpviTestData
{
    /// <summary>True coefficients of the count outcome: intercept, a[y], a[z], b[true], standardised age.</summary>
    public static readonly double[] PoissonTruth = [0.5, 0.4, -0.3, 0.6, 0.5];

    /// <summary>True coefficients of the boolean outcome, in the same order.</summary>
    public static readonly double[] LogisticTruth = [-0.5, 0.8, -0.6, 1.0, 0.7];

    public static TableSchema Schema(bool logistic = false, bool publicCategories = true, bool missingA = false) => new(
    [
        new ColumnSchema("a", ColumnKind.Categorical, Missing: missingA, Categories: new DeclaredCategories(["x", "y", "z"], publicCategories)),
        new ColumnSchema("b", ColumnKind.Boolean),
        new ColumnSchema("age", ColumnKind.Continuous, Bounds: new DeclaredBounds(0, 100, true)),
        new ColumnSchema("id", ColumnKind.Integer, Role: ColumnRole.Ignore),
        logistic
            ? new ColumnSchema("y", ColumnKind.Boolean, Role: ColumnRole.Label)
            : new ColumnSchema("y", ColumnKind.Integer, Role: ColumnRole.Label, Bounds: new DeclaredBounds(0, 200, true)),
    ]);

    /// <summary>Rows from two components (a mostly x, b false, age ≈ 30 / a mostly z, b true, age ≈ 70) and the outcome regression.</summary>
    public static Table Table(int rows, int seed, bool logistic = false)
    {
        var random = new Random(seed);
        int[] a = new int[rows], b = new int[rows], y = new int[rows];
        double[] age = new double[rows], id = new double[rows], count = new double[rows];
        var beta = logistic ? LogisticTruth : PoissonTruth;
        for (int i = 0; i < rows; i++)
        {
            bool second = random.NextDouble() < 0.4;
            double[] pa = second ? [0.1, 0.3, 0.6] : [0.6, 0.3, 0.1];
            double u = random.NextDouble();
            a[i] = u < pa[0] ? 0 : u < pa[0] + pa[1] ? 1 : 2;
            b[i] = random.NextDouble() < (second ? 0.8 : 0.2) ? 1 : 0;
            double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            age[i] = Math.Clamp(second ? 70 + 8 * g : 30 + 5 * g, 0, 100);
            id[i] = i;
            double eta = beta[0] + (a[i] == 1 ? beta[1] : a[i] == 2 ? beta[2] : 0) + b[i] * beta[3] + beta[4] * (age[i] - 50) / 50;
            if (logistic) y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            else count[i] = Poisson(random, Math.Exp(eta));
        }
        string[] booleans = ["false", "true"];
        return new Table("test.csv",
        [
            new CategoricalColumn("a", ColumnKind.Categorical, a, rows, ["x", "y", "z"]),
            new CategoricalColumn("b", ColumnKind.Boolean, b, rows, booleans),
            new NumericColumn("age", ColumnKind.Continuous, age, rows),
            new NumericColumn("id", ColumnKind.Integer, id, rows),
            logistic ? new CategoricalColumn("y", ColumnKind.Boolean, y, rows, booleans) : new NumericColumn("y", ColumnKind.Integer, count, rows),
        ]);
    }

    private static double Poisson(Random random, double lambda)
    {
        double limit = Math.Exp(-lambda), product = random.NextDouble();
        int k = 0;
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }
        return k;
    }

    /// <summary>An objective over a small table with random variational parameters and a random η.</summary>
    public static (DpviObjective Objective, double[] W) RandomObjective(bool logistic, int components, int seed)
    {
        var options = DpviOptions.Default with { Components = components };
        var layout = DpviLayout.Create(Schema(logistic), null, null, options);
        var data = DpviData.Encode(Table(20, seed, logistic), layout);
        var objective = new DpviObjective(layout, data, options);
        var random = new Random(seed + 1000);
        int p = layout.ParameterCount;
        var w = new double[2 * p];
        var eta = new double[p];
        for (int j = 0; j < p; j++)
        {
            w[j] = random.NextDouble() - 0.5;
            w[p + j] = -1.5 + random.NextDouble();
            eta[j] = 2 * random.NextDouble() - 1;
        }
        objective.SetEta(eta);
        objective.SetParameters(w);
        return (objective, w);
    }
}
