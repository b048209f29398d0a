using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.ModelFiles;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Tests.Twins.Study;

/// <summary>
/// A non-private stand-in generator: each copy (parameter draw) resamples the centre's rows
/// (covariates with replacement) and redraws the outcome from the simulator's TRUE model. Its twins
/// are ideal, so pooled estimates must approach the truth as more of them join.
/// </summary>
internal sealed class TrueModelTwins(ClinicOutcomeModel truth, int sizeFactor = 1, double overspend = 0) : Generator
{
    public int Calls { get; private set; }

    public override string Kind => "true-model";

    public override string Description => "test stand-in: rows resampled, outcome from the simulator's true model (not private)";

    public override bool UsesBackend => false;

    protected override void ValidateSettings(FitRequest request) => new SettingsReader(Kind, request.Settings, []).Finish();

    protected override FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        Calls++;
        return new Fitted(truth, sizeFactor, table, schema, new FitSummary { Epsilon = request.Epsilon + overspend, Delta = request.Delta }, request.Seed);
    }

    public override FittedModel Load(ModelFileContent content, string path) => throw new NotSupportedException("the stand-in has no model file");

    private sealed class Fitted(ClinicOutcomeModel truth, int sizeFactor, Table training, TableSchema schema, FitSummary summary, ulong? seed) : FittedModel
    {
        public override string Kind => "true-model";
        public override string Description => Kind;
        public override TableSchema Schema => schema;
        public override PrivacyLedger? Ledger => null;
        public override FitSummary Summary => summary;
        public override IReadOnlyList<ColumnDomain> Domains => throw new NotSupportedException("the stand-in does not state domains");
        public override bool CopiesFromOneModel => false;
        public override void Save(string path) => throw new NotSupportedException("the stand-in has no model file");

        public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048)
        {
            // Copy m is draw m: its own generator, seeded by (seed, party, m).
            var rng = new Random(HashCode.Combine(seed ?? 1, training.Source, request.Draw));
            int n = training.RowCount;
            var rows = Enumerable.Range(0, (int)request.Rows * sizeFactor).Select(_ => rng.Next(n)).ToArray();
            var covariates = truth.Covariates.Select(c => (CategoricalColumn)training.Find(c)!).ToArray();
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
            foreach (var column in training.Columns)
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
            yield return new Table($"{training.Source} fake twin {request.Draw + 1}", columns);
        }
    }

    private static int Poisson(Random rng, double mean)
    {
        double limit = Math.Exp(-mean), product = rng.NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= rng.NextDouble(); }
        return k;
    }
}

/// <summary>Wraps a generator and rewrites the rows its fitted models sample (by parameter draw, i.e. copy).</summary>
internal sealed class RewritingTwins(Generator inner, Func<int, Table, Table> rewrite) : Generator
{
    public override string Kind => "rewriting";

    public override string Description => "test wrapper rewriting another generator's copies";

    public override bool UsesBackend => inner.UsesBackend;

    protected override void ValidateSettings(FitRequest request) => inner.Validate(request);

    protected override FittedModel FitChecked(Table table, TableSchema schema, FitRequest request, IComputeBackend? backend,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation) =>
        new Fitted(inner.Fit(table, schema, request, backend, progress, cancellation), rewrite);

    public override FittedModel Load(ModelFileContent content, string path) => throw new NotSupportedException("the wrapper has no model file");

    private sealed class Fitted(FittedModel model, Func<int, Table, Table> rewrite) : FittedModel
    {
        public override string Kind => "rewriting";
        public override string Description => Kind;
        public override TableSchema Schema => model.Schema;
        public override PrivacyLedger? Ledger => model.Ledger;
        public override FitSummary Summary => model.Summary;
        public override IReadOnlyList<ColumnDomain> Domains => model.Domains;
        public override bool CopiesFromOneModel => model.CopiesFromOneModel;
        public override void Save(string path) => throw new NotSupportedException("the wrapper has no model file");

        public override IEnumerable<Table> Sample(SampleRequest request, IComputeBackend? backend, int batchRows = 2048) =>
            model.Sample(request, backend, batchRows).Select(t => rewrite(request.Draw, t));
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
