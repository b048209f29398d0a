using DpSynth.Models.Tabular;

namespace DpSynth.Models.Simulation;

/// <summary>Settings of <see cref="ClinicSimulator"/>.</summary>
/// <param name="Rows">Total rows over all centres.</param>
/// <param name="Centres">Number of centres.</param>
/// <param name="Seed">Seed; the same seed gives the same table.</param>
public sealed record ClinicSimulatorOptions(int Rows = 20_000, int Centres = 16, ulong Seed = 1);

/// <summary>
/// A seeded simulator of a multi-centre "clinic" table, the built-in data of <c>dpsynth demo</c>
/// and <c>dpsynth twins study</c>. Centres differ in size (log-normal weights, so the smallest half
/// is small) and in case mix (age, sex, ethnicity and deprivation distributions). Two outcomes are
/// drawn from known models shared by all centres: a count <c>visits</c> (Poisson,
/// <see cref="PoissonModel"/>) and a boolean <c>event</c> (logistic, <see cref="LogisticModel"/>),
/// so a study can compare estimated coefficients with the truth. Rows are grouped by centre.
/// </summary>
public sealed class ClinicSimulator
{
    /// <summary>Age bands of <c>age_group</c>; the first is the reference level.</summary>
    public static IReadOnlyList<string> AgeGroups { get; } = ["18-34", "35-49", "50-64", "65-79", "80+"];
    /// <summary>Levels of <c>sex</c>; F is the reference.</summary>
    public static IReadOnlyList<string> Sexes { get; } = ["F", "M"];
    /// <summary>Levels of <c>ethnicity</c>, most common first (the reference); the last ones are rare.</summary>
    public static IReadOnlyList<string> Ethnicities { get; } =
        ["white", "south_asian", "black", "east_asian", "mixed", "middle_eastern", "other", "indigenous"];
    /// <summary>Deprivation quartiles, 1 = least deprived (the reference).</summary>
    public static IReadOnlyList<string> DeprivationQuartiles { get; } = ["1", "2", "3", "4"];
    /// <summary>Education levels in order.</summary>
    public static IReadOnlyList<string> EducationLevels { get; } = ["none", "secondary", "vocational", "undergraduate", "postgraduate"];

    private static readonly double[] EthnicityShares = [0.72, 0.08, 0.06, 0.04, 0.04, 0.03, 0.02, 0.01];
    private static readonly double[] AgeBandStarts = [35, 50, 65, 80];
    private const double MinAge = 18, MaxAge = 95, MinBmi = 15, MaxBmi = 60, MaxVisits = 60;

    /// <summary>True model of <c>visits</c>: log-rate coefficients.</summary>
    public static ClinicOutcomeModel PoissonModel { get; } = Model("visits", OutcomeFamily.Poisson, intercept: -0.2,
        age: [0.15, 0.35, 0.6, 0.85], male: -0.2, ethnicity: [0.25, 0.15, -0.1, 0.05, 0.2, 0.1, 0.4], deprivation: [0.1, 0.2, 0.35], smoker: 0.3);

    /// <summary>True model of <c>event</c>: log-odds coefficients.</summary>
    public static ClinicOutcomeModel LogisticModel { get; } = Model("event", OutcomeFamily.Logistic, intercept: -2.6,
        age: [0.3, 0.7, 1.1, 1.5], male: 0.3, ethnicity: [0.45, 0.3, -0.2, 0.1, 0.35, 0.15, 0.6], deprivation: [0.15, 0.3, 0.5], smoker: 0.7);

    private readonly Centre[] _centres;

    /// <summary>Creates the simulator and draws the centres' sizes and case mix from the seed.</summary>
    public ClinicSimulator(ClinicSimulatorOptions? options = null)
    {
        Options = options ?? new ClinicSimulatorOptions();
        if (Options.Centres < 1) throw new ArgumentOutOfRangeException(nameof(options), "The clinic needs at least one centre.");
        if (Options.Rows < Options.Centres) throw new ArgumentOutOfRangeException(nameof(options), $"{Options.Rows} rows cannot fill {Options.Centres} centres.");
        _centres = DrawCentres(new SimulationRandom(Options.Seed), Options);
    }

    /// <summary>The settings.</summary>
    public ClinicSimulatorOptions Options { get; }

    /// <summary>Centre names, "C01", "C02", …, in row order.</summary>
    public IReadOnlyList<string> CentreNames => _centres.Select(c => c.Name).ToArray();

    /// <summary>Rows per centre, in the order of <see cref="CentreNames"/>.</summary>
    public IReadOnlyList<int> CentreSizes => _centres.Select(c => c.Size).ToArray();

    /// <summary>How the simulator writes booleans.</summary>
    private static readonly string[] BooleanLabels = ["false", "true"];

    /// <summary>A schema for the table with public bounds, category lists, decimals and boolean spellings (all are design constants, not data).</summary>
    public TableSchema Schema => new(
    [
        Categorical("centre", ColumnKind.Categorical, CentreNames),
        new ColumnSchema("age", ColumnKind.Continuous, Bounds: new DeclaredBounds(MinAge, MaxAge, true), Precision: 1),
        Categorical("age_group", ColumnKind.Ordinal, AgeGroups),
        Categorical("sex", ColumnKind.Categorical, Sexes),
        Categorical("ethnicity", ColumnKind.Categorical, Ethnicities),
        Categorical("deprivation", ColumnKind.Ordinal, DeprivationQuartiles),
        Categorical("education", ColumnKind.Ordinal, EducationLevels),
        new ColumnSchema("bmi", ColumnKind.Continuous, Bounds: new DeclaredBounds(MinBmi, MaxBmi, true), Precision: 1),
        new ColumnSchema("smoker", ColumnKind.Boolean, Labels: BooleanLabels),
        new ColumnSchema("visits", ColumnKind.Integer, Bounds: new DeclaredBounds(0, MaxVisits, true)),
        new ColumnSchema("event", ColumnKind.Boolean, Role: ColumnRole.Label, Labels: BooleanLabels),
    ]);

    /// <summary>Draws the table; the same options always give the same table.</summary>
    public Table Generate()
    {
        int n = Options.Rows;
        var rng = new SimulationRandom(Options.Seed ^ 0x5EED_C11D_0000_0001UL);
        int[] centre = new int[n], ageGroup = new int[n], sex = new int[n], ethnicity = new int[n],
            deprivation = new int[n], education = new int[n], smoker = new int[n], eventCode = new int[n];
        double[] age = new double[n], bmi = new double[n], visits = new double[n];
        var poisson = Effects(PoissonModel);
        var logistic = Effects(LogisticModel);
        int row = 0;
        for (int c = 0; c < _centres.Length; c++)
        {
            var k = _centres[c];
            for (int i = 0; i < k.Size; i++, row++)
            {
                centre[row] = c;
                double a = TruncatedNormal(rng, k.MeanAge, 16, MinAge, MaxAge);
                age[row] = Math.Round(a, 1);
                int g = 0;
                while (g < AgeBandStarts.Length && age[row] >= AgeBandStarts[g]) g++;
                ageGroup[row] = g;
                sex[row] = rng.Bernoulli(k.MaleShare) ? 1 : 0;
                ethnicity[row] = rng.Categorical(k.EthnicityShares);
                int q = deprivation[row] = rng.Categorical(k.DeprivationShares);
                // Education falls with deprivation and is higher in younger cohorts.
                double latent = rng.Normal() - 0.35 * q + k.EducationShift - 0.01 * (a - 50);
                education[row] = latent < -1.6 ? 0 : latent < -0.3 ? 1 : latent < 0.3 ? 2 : latent < 1.2 ? 3 : 4;
                bmi[row] = Math.Round(Math.Clamp(26 + 0.6 * q + 0.04 * (a - 50) + 0.5 * sex[row] + 4.2 * rng.Normal(), MinBmi, MaxBmi), 1);
                smoker[row] = rng.Bernoulli(Sigmoid(k.SmokerLogit + 0.35 * q - 0.015 * (a - 50) - 0.2 * education[row])) ? 1 : 0;
                double etaP = poisson.Eta(g, sex[row], ethnicity[row], q, smoker[row]);
                visits[row] = Math.Min(MaxVisits, rng.Poisson(Math.Exp(etaP)));
                double etaL = logistic.Eta(g, sex[row], ethnicity[row], q, smoker[row]);
                eventCode[row] = rng.Bernoulli(Sigmoid(etaL)) ? 1 : 0;
            }
        }
        string[] booleans = ["false", "true"];
        return new Table("clinic-simulator", new TableColumn[]
        {
            new CategoricalColumn("centre", ColumnKind.Categorical, centre, n, CentreNames),
            new NumericColumn("age", ColumnKind.Continuous, age, n),
            new CategoricalColumn("age_group", ColumnKind.Ordinal, ageGroup, n, AgeGroups),
            new CategoricalColumn("sex", ColumnKind.Categorical, sex, n, Sexes),
            new CategoricalColumn("ethnicity", ColumnKind.Categorical, ethnicity, n, Ethnicities),
            new CategoricalColumn("deprivation", ColumnKind.Ordinal, deprivation, n, DeprivationQuartiles),
            new CategoricalColumn("education", ColumnKind.Ordinal, education, n, EducationLevels),
            new NumericColumn("bmi", ColumnKind.Continuous, bmi, n),
            new CategoricalColumn("smoker", ColumnKind.Boolean, smoker, n, booleans),
            new NumericColumn("visits", ColumnKind.Integer, visits, n),
            new CategoricalColumn("event", ColumnKind.Boolean, eventCode, n, booleans),
        });
    }

    private sealed record Centre(string Name, int Size, double MeanAge, double MaleShare, double[] EthnicityShares,
        double[] DeprivationShares, double EducationShift, double SmokerLogit);

    private static Centre[] DrawCentres(SimulationRandom rng, ClinicSimulatorOptions o)
    {
        // Log-normal weights with σ = 1.1: the largest centre is typically 10–30× the smallest.
        var weights = new double[o.Centres];
        for (int c = 0; c < o.Centres; c++) weights[c] = Math.Exp(1.1 * rng.Normal());
        int minimum = Math.Min(60, o.Rows / (2 * o.Centres));
        var sizes = new int[o.Centres];
        double total = weights.Sum();
        for (int c = 0; c < o.Centres; c++) sizes[c] = Math.Max(minimum, (int)(o.Rows * weights[c] / total));
        // Give the rounding remainder (or take the excess of the minimums) from the largest centre.
        int largest = Array.IndexOf(sizes, sizes.Max());
        sizes[largest] += o.Rows - sizes.Sum();

        var centres = new Centre[o.Centres];
        for (int c = 0; c < o.Centres; c++)
        {
            // Some centres serve more diverse populations: scale all minority shares together, then jitter each.
            double diversity = Math.Exp(0.7 * rng.Normal());
            var eth = new double[EthnicityShares.Length];
            for (int e = 0; e < eth.Length; e++)
                eth[e] = EthnicityShares[e] * (e == 0 ? 1 : diversity) * Math.Exp(0.4 * rng.Normal());
            Normalise(eth);
            double tilt = 0.8 * rng.Normal();
            var dep = new double[4];
            for (int q = 0; q < 4; q++) dep[q] = Math.Exp(tilt * (q - 1.5) / 1.5);
            Normalise(dep);
            centres[c] = new Centre($"C{c + 1:D2}", sizes[c], 52 + 8 * rng.Normal(), Math.Clamp(0.5 + 0.05 * rng.Normal(), 0.3, 0.7),
                eth, dep, 0.3 * rng.Normal(), -1.3 + 0.3 * rng.Normal());
        }
        return centres;
    }

    private static double TruncatedNormal(SimulationRandom rng, double mean, double sd, double lo, double hi)
    {
        for (int attempt = 0; attempt < 32; attempt++)
        {
            double x = mean + sd * rng.Normal();
            if (x >= lo && x <= hi) return x;
        }
        return Math.Clamp(mean, lo, hi);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static void Normalise(double[] p)
    {
        double s = p.Sum();
        for (int i = 0; i < p.Length; i++) p[i] /= s;
    }

    private static ColumnSchema Categorical(string name, ColumnKind kind, IReadOnlyList<string> levels) =>
        new(name, kind, Categories: new DeclaredCategories(levels, Public: true));

    private static ClinicOutcomeModel Model(string outcome, OutcomeFamily family, double intercept, double[] age, double male,
        double[] ethnicity, double[] deprivation, double smoker)
    {
        var b = new Dictionary<string, double> { ["intercept"] = intercept };
        for (int i = 0; i < age.Length; i++) b[$"age_group[{AgeGroups[i + 1]}]"] = age[i];
        b["sex[M]"] = male;
        for (int i = 0; i < ethnicity.Length; i++) b[$"ethnicity[{Ethnicities[i + 1]}]"] = ethnicity[i];
        for (int i = 0; i < deprivation.Length; i++) b[$"deprivation[{DeprivationQuartiles[i + 1]}]"] = deprivation[i];
        b["smoker[true]"] = smoker;
        var reference = new Dictionary<string, string>
        {
            ["age_group"] = AgeGroups[0], ["sex"] = Sexes[0], ["ethnicity"] = Ethnicities[0],
            ["deprivation"] = DeprivationQuartiles[0], ["smoker"] = "false",
        };
        return new ClinicOutcomeModel(outcome, family, b, reference);
    }

    /// <summary>The model's coefficients as arrays indexed by level code, for the inner loop.</summary>
    private sealed record EffectTable(double Intercept, double[] Age, double[] Sex, double[] Ethnicity, double[] Deprivation, double[] Smoker)
    {
        public double Eta(int age, int sex, int ethnicity, int deprivation, int smoker) =>
            Intercept + Age[age] + Sex[sex] + Ethnicity[ethnicity] + Deprivation[deprivation] + Smoker[smoker];
    }

    private static EffectTable Effects(ClinicOutcomeModel m)
    {
        double[] Levels(string column, IReadOnlyList<string> levels) =>
            levels.Select(l => m.Coefficients.GetValueOrDefault($"{column}[{l}]")).ToArray();
        return new EffectTable(m.Coefficients["intercept"], Levels("age_group", AgeGroups), Levels("sex", Sexes),
            Levels("ethnicity", Ethnicities), Levels("deprivation", DeprivationQuartiles), Levels("smoker", ["false", "true"]));
    }
}
