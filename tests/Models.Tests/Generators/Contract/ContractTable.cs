using System.Globalization;
using System.Text;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators.Contract;

/// <summary>
/// The tiny seeded table every generator of the contract table is fitted on: two numeric columns,
/// two categorical ones and a boolean label, under a schema that declares every bound and category
/// set public (what the strictest generator needs) or one that declares none (what only generators
/// that estimate them with DP accept).
/// </summary>
internal static class ContractTable
{
    public const int Rows = 400;

    public static readonly string[] Regions = ["north", "south", "east", "west"];

    /// <summary>Every bound and category set declared public; the label is "event".</summary>
    public static TableSchema PublicSchema { get; } = new(
    [
        new ColumnSchema("age", ColumnKind.Integer, Bounds: new DeclaredBounds(18, 90, true)),
        new ColumnSchema("income", ColumnKind.Continuous, Bounds: new DeclaredBounds(0, 200_000, true)),
        new ColumnSchema("sex", ColumnKind.Categorical, Categories: new DeclaredCategories(["F", "M"], true)),
        new ColumnSchema("region", ColumnKind.Categorical, Categories: new DeclaredCategories(Regions, true)),
        new ColumnSchema("event", ColumnKind.Boolean, Role: ColumnRole.Label),
    ]);

    /// <summary>The same columns with nothing declared: bounds and category sets are private.</summary>
    public static TableSchema PrivateSchema { get; } = new(PublicSchema.Columns.Select(c => c with { Bounds = null, Categories = null }).ToArray());

    /// <summary>The seeded table (age and income related, the event more likely for older smokers of the north).</summary>
    public static Table Create(int seed = 11)
    {
        var rng = new Random(seed);
        var age = new double[Rows];
        var income = new double[Rows];
        var sex = new int[Rows];
        var region = new int[Rows];
        var evt = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            age[i] = rng.Next(18, 91);
            income[i] = Math.Round(Math.Clamp(20_000 + 900 * (age[i] - 18) + 15_000 * (rng.NextDouble() - 0.5), 0, 200_000), 2);
            sex[i] = rng.Next(2);
            region[i] = rng.Next(Regions.Length);
            double eta = -2 + 0.04 * (age[i] - 50) + (region[i] == 0 ? 0.8 : 0);
            evt[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        return new Table("contract.csv",
        [
            new NumericColumn("age", ColumnKind.Integer, age, Rows),
            new NumericColumn("income", ColumnKind.Continuous, income, Rows),
            new CategoricalColumn("sex", ColumnKind.Categorical, sex, Rows, ["F", "M"]),
            new CategoricalColumn("region", ColumnKind.Categorical, region, Rows, Regions),
            new CategoricalColumn("event", ColumnKind.Boolean, evt, Rows, ["false", "true"]),
        ]);
    }

    /// <summary>
    /// A table with the given columns whose values cannot be read: any generator that touches a value
    /// (or casts a column to read it) throws, so a refusal that arrives instead proves it came first.
    /// </summary>
    public static Table Unreadable(params (string Name, ColumnKind Kind)[] columns) =>
        new("unreadable.csv", columns.Select(c => (TableColumn)new UnreadableColumn(c.Name, c.Kind, Rows)).ToArray());

    /// <summary>The columns of <see cref="PublicSchema"/> as unreadable columns, optionally changed.</summary>
    public static (string, ColumnKind)[] Columns => PublicSchema.Columns.Select(c => (c.Name, c.Kind)).ToArray();

    /// <summary>Every cell of the batches, numbers round-trippable, one line per row: equal texts mean bit-identical rows.</summary>
    public static string Fingerprint(IEnumerable<Table> batches)
    {
        var text = new StringBuilder();
        foreach (var t in batches)
        {
            text.Append(string.Join(',', t.Columns.Select(c => c.Name))).Append('\n');
            for (int i = 0; i < t.RowCount; i++)
            {
                foreach (var c in t.Columns)
                {
                    text.Append(c switch
                    {
                        NumericColumn n => n.Values[i].ToString("R", CultureInfo.InvariantCulture),
                        CategoricalColumn k => k.ValueAt(i) ?? "<missing>",
                        _ => throw new InvalidOperationException(c.GetType().Name),
                    });
                    text.Append(',');
                }
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Rows over all batches.</summary>
    public static int RowCount(IEnumerable<Table> batches) => batches.Sum(t => t.RowCount);

    /// <summary>Thrown by <see cref="UnreadableColumn"/> when a value is read.</summary>
    public sealed class PrivateValueRead(string column) : Exception($"a private value of column {column} was read");

    private sealed class UnreadableColumn(string name, ColumnKind kind, int length) : TableColumn(name, kind)
    {
        public override int Length => length;

        public override bool IsMissing(int row) => throw new PrivateValueRead(Name);
    }
}
