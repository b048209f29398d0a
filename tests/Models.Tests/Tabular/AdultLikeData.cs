using System.Globalization;
using System.Text;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Tabular;

/// <summary>
/// A seeded table shaped like UCI Adult (15 columns, same kinds, value ranges, missing '?' in
/// workclass, occupation and native-country) so that tests never read the real data.
/// </summary>
internal static class AdultLikeData
{
    public static readonly string[] Workclass = ["Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov", "Without-pay", "Never-worked"];
    public static readonly string[] Education = ["Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm", "Assoc-voc", "9th", "7th-8th", "12th", "Masters", "1st-4th", "10th", "Doctorate", "5th-6th", "Preschool"];
    public static readonly string[] Marital = ["Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed", "Married-spouse-absent", "Married-AF-spouse"];
    public static readonly string[] Occupation = ["Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial", "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical", "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv", "Armed-Forces"];
    public static readonly string[] Relationship = ["Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried"];
    public static readonly string[] Race = ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"];
    public static readonly string[] Sex = ["Female", "Male"];
    public static readonly string[] Country = ["United-States", "Cambodia", "England", "Puerto-Rico", "Canada", "Germany", "India", "Japan", "Greece", "South", "China", "Cuba", "Iran", "Honduras", "Philippines", "Italy", "Poland", "Jamaica", "Vietnam", "Mexico", "Portugal", "Ireland", "France", "Dominican-Republic", "Laos", "Ecuador", "Taiwan", "Haiti", "Columbia", "Hungary", "Guatemala", "Nicaragua", "Scotland", "Thailand", "Yugoslavia", "El-Salvador", "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands"];
    public static readonly string[] Income = ["<=50K", ">50K"];

    public static readonly string[] Header = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income"];

    /// <summary>CSV text with a header row; skewed category frequencies like the real data.</summary>
    public static string Csv(int rows, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(rows * 110);
        sb.Append(string.Join(',', Header)).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            int edu = Skewed(rng, Education.Length);
            string[] cells =
            [
                I(17 + (int)Math.Min(73, Math.Abs(Gaussian(rng) * 14 + 20))),
                rng.NextDouble() < 0.05 ? "?" : Workclass[Skewed(rng, Workclass.Length)],
                I(12285 + (int)Math.Min(1472420, Math.Exp(Gaussian(rng) * 0.5 + 12))),
                Education[edu],
                I(1 + edu),
                Marital[Skewed(rng, Marital.Length)],
                rng.NextDouble() < 0.05 ? "?" : Occupation[Skewed(rng, Occupation.Length)],
                Relationship[Skewed(rng, Relationship.Length)],
                Race[Skewed(rng, Race.Length)],
                Sex[rng.Next(2)],
                I(rng.NextDouble() < 0.92 ? 0 : rng.Next(114, 99999)),
                I(rng.NextDouble() < 0.95 ? 0 : rng.Next(155, 4356)),
                I(Math.Clamp((int)(Gaussian(rng) * 12 + 40), 1, 99)),
                rng.NextDouble() < 0.02 ? "?" : Country[Skewed(rng, Country.Length)],
                Income[rng.NextDouble() < 0.24 ? 1 : 0],
            ];
            sb.Append(string.Join(',', cells)).Append('\n');
        }
        return sb.ToString();
    }

    public static Table Table(int rows, int seed, TableSchema? schema = null) =>
        CsvTableReader.Read(new StringReader(Csv(rows, seed)), "adult-like.csv", schema ?? PublicSchema());

    /// <summary>A schema declaring public bounds and closed category lists (what a custodian could write down from the codebook).</summary>
    public static TableSchema PublicSchema() => new(
    [
        Int("age", 0, 120),
        Cat("workclass", Workclass, missing: true),
        Int("fnlwgt", 0, 1_500_000),
        Cat("education", Education),
        Int("education-num", 1, 16),
        Cat("marital-status", Marital),
        Cat("occupation", Occupation, missing: true),
        Cat("relationship", Relationship),
        Cat("race", Race),
        Cat("sex", Sex),
        Int("capital-gain", 0, 100_000),
        Int("capital-loss", 0, 5_000),
        Int("hours-per-week", 1, 99),
        Cat("native-country", Country, missing: true),
        Cat("income", Income) with { Role = ColumnRole.Label },
    ], ["?"]);

    /// <summary>The same columns with nothing declared public (as <c>schema infer</c> proposes).</summary>
    public static TableSchema PrivateSchema() => PublicSchema() with
    {
        Columns = PublicSchema().Columns.Select(c => c with { Bounds = null, Categories = null }).ToArray(),
    };

    private static ColumnSchema Int(string name, double min, double max) =>
        new(name, ColumnKind.Integer, Bounds: new DeclaredBounds(min, max, Public: true));

    private static ColumnSchema Cat(string name, string[] values, bool missing = false) =>
        new(name, ColumnKind.Categorical, Missing: missing, Categories: new DeclaredCategories(values, Public: true));

    private static int Skewed(Random rng, int n) => Math.Min(n - 1, (int)(-Math.Log(1 - rng.NextDouble()) * n / 4));

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
