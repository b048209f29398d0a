using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Models.Tests.Twins.Study;

/// <summary>
/// A non-private stand-in generator: each copy resamples the centre's rows (covariates with
/// replacement) and redraws the outcome from the simulator's TRUE model. Its twins are ideal, so
/// pooled estimates must approach the truth as more of them join.
/// </summary>
internal sealed class TrueModelTwins(ClinicOutcomeModel truth, int sizeFactor = 1) : ITwinGenerator
{
    public int Calls { get; private set; }

    public string Name => "true-model";

    public bool CopiesFromOneModel => false;

    public TwinRelease Release(TwinReleaseRequest request, CancellationToken cancellation)
    {
        Calls++;
        var rng = new Random((int)(request.Seed ?? 1) ^ request.Party.GetHashCode(StringComparison.Ordinal));
        var copies = new Table[request.Copies];
        int n = request.Training.RowCount;
        for (int m = 0; m < copies.Length; m++)
        {
            var rows = Enumerable.Range(0, n * sizeFactor).Select(_ => rng.Next(n)).ToArray();
            var covariates = truth.Covariates.Select(c => (CategoricalColumn)request.Training.Find(c)!).ToArray();
            var outcome = new double[rows.Length];
            var codes = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                int row = rows[i];
                double eta = truth.LinearPredictor(column => covariates.First(c => c.Name == column).ValueAt(row)!);
                if (truth.Family == OutcomeFamily.Poisson) outcome[i] = Poisson(rng, Math.Exp(eta));
                else codes[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            }
            var columns = new List<TableColumn>();
            foreach (var column in request.Training.Columns)
            {
                if (column.Name == truth.Outcome)
                {
                    columns.Add(truth.Family == OutcomeFamily.Poisson
                        ? new NumericColumn(column.Name, column.Kind, outcome, outcome.Length)
                        : new CategoricalColumn(column.Name, column.Kind, codes, codes.Length, ["false", "true"]));
                    continue;
                }
                var cat = (CategoricalColumn)column;
                var src = cat.Codes.ToArray();
                columns.Add(new CategoricalColumn(cat.Name, cat.Kind, rows.Select(r => src[r]).ToArray(), rows.Length, cat.Levels));
            }
            copies[m] = new Table($"{request.Party} fake twin {m + 1}", columns);
        }
        return new TwinRelease(copies, request.Epsilon);
    }

    private static int Poisson(Random rng, double mean)
    {
        double limit = Math.Exp(-mean), product = rng.NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= rng.NextDouble(); }
        return k;
    }
}

/// <summary>Wraps a generator and rewrites the copies it returns.</summary>
internal sealed class RewritingTwins(ITwinGenerator inner, Func<int, Table, Table> rewrite, int? copies = null) : ITwinGenerator
{
    public string Name => "rewriting";

    public bool CopiesFromOneModel => true;

    public TwinRelease Release(TwinReleaseRequest request, CancellationToken cancellation)
    {
        var release = inner.Release(request, cancellation);
        var rewritten = release.Copies.Select((t, m) => rewrite(m, t)).Take(copies ?? release.Copies.Count).ToArray();
        return release with { Copies = rewritten };
    }

    /// <summary>Sets numeric <paramref name="column"/> of every row to 0.</summary>
    public static Table SetZero(Table table, string column)
    {
        var columns = table.Columns.Select(c => c.Name != column ? c
            : new NumericColumn(c.Name, c.Kind, new double[c.Length], c.Length)).ToArray();
        return new Table(table.Source, columns);
    }

    /// <summary>Sets categorical <paramref name="column"/> of every row to <paramref name="level"/>.</summary>
    public static Table SetAll(Table table, string column, string level)
    {
        var columns = table.Columns.Select(c => c.Name != column ? c
            : new CategoricalColumn(c.Name, c.Kind, new int[c.Length], c.Length, [level])).ToArray();
        return new Table(table.Source, columns);
    }
}
