using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators.Contract;

/// <summary>
/// The generator contract, one table for every generator: each check runs on each kind of
/// <see cref="GeneratorRegistry"/>, so a generator joins the table by being registered. Fits are
/// tiny (400 rows, and 2 epochs for generators that take an <c>epochs</c> setting) and seeded.
/// </summary>
public sealed class GeneratorContractTests : IDisposable
{
    private const double Epsilon = 2, Delta = 1e-5;
    private readonly SimdBackend _backend = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-contract-").FullName;

    /// <summary>Every registered kind.</summary>
    public static TheoryData<string> Kinds => new(GeneratorRegistry.All.Select(g => g.Kind));

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static FitRequest Request(Generator g, ulong seed = 5, double epsilon = Epsilon, double delta = Delta) => new()
    {
        Epsilon = epsilon,
        Delta = delta,
        Seed = seed,
        Settings = g.Settings.Any(s => s.Name == "epochs") ? GeneratorSettings.Empty.With("epochs", 2) : GeneratorSettings.Empty,
        SchemaFile = "contract.schema.json",
    };

    private FittedModel Fit(string kind, ulong seed = 5)
    {
        var g = GeneratorRegistry.Get(kind);
        return g.Fit(ContractTable.Create(), ContractTable.PublicSchema, Request(g, seed), _backend);
    }

    // The seed-5 fit of each kind, shared by the checks that only read it (fits dominate the table's time).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<FittedModel>> Fitted = new();

    private FittedModel Shared(string kind) => Fitted.GetOrAdd(kind, k => new Lazy<FittedModel>(() =>
    {
        using var backend = new SimdBackend();
        var g = GeneratorRegistry.Get(k);
        return g.Fit(ContractTable.Create(), ContractTable.PublicSchema, Request(g), backend);
    })).Value;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_fit_stays_within_the_budget_and_its_summary_is_the_ledger(string kind)
    {
        var model = Shared(kind);
        Assert.Equal(kind, model.Kind);
        Assert.StartsWith(kind, model.Description, StringComparison.Ordinal);
        var ledger = Assert.IsType<Privacy.Ledger.PrivacyLedger>(model.Ledger);
        Assert.NotEmpty(ledger.Stages);
        Assert.True(ledger.TotalEpsilon <= Epsilon, $"ledger epsilon {ledger.TotalEpsilon} over the budget {Epsilon}");
        Assert.Equal(Delta, ledger.Budget.Delta);
        var s = model.Summary;
        Assert.Equal(ledger.TotalEpsilon, s.Epsilon);
        Assert.Equal(Delta, s.Delta);
        Assert.Equal(ledger.Stages.Select(x => x.Name), s.Stages.Select(x => x.Name));
        Assert.All(s.Stages, x => Assert.InRange(x.Epsilon, 0, s.Epsilon + 1e-9)); // a stage alone never costs more than all composed
        Assert.True(s.Steps > 0 && s.NoiseMultiplier > 0 && s.SampleRate is > 0 and <= 1, $"steps {s.Steps}, sigma {s.NoiseMultiplier}, q {s.SampleRate}");
        Assert.False(s.SecureRandomness); // seeded
        Assert.NotNull(s.Timings);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_seeded_fit_and_sample_repeat_and_another_sampling_seed_differs(string kind)
    {
        string first = ContractTable.Fingerprint(Shared(kind).Sample(new SampleRequest(300, Seed: 7), _backend));
        var again = Fit(kind);
        Assert.Equal(first, ContractTable.Fingerprint(again.Sample(new SampleRequest(300, Seed: 7), _backend)));
        Assert.NotEqual(first, ContractTable.Fingerprint(again.Sample(new SampleRequest(300, Seed: 8), _backend)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Save_then_load_by_kind_samples_bit_identical_rows(string kind)
    {
        var model = Shared(kind);
        string path = Path.Combine(_dir, $"{kind}.dpsynth");
        model.Save(path);
        var loaded = GeneratorRegistry.Load(path);
        Assert.Equal(model.GetType(), loaded.GetType());
        Assert.Equal(model.Summary.Epsilon, loaded.Summary.Epsilon);
        Assert.Equal(model.Summary.Steps, loaded.Summary.Steps);
        Assert.Equal(model.Ledger!.Stages.Count, loaded.Ledger!.Stages.Count);
        var request = new SampleRequest(300, Seed: 9);
        string expected = ContractTable.Fingerprint(model.Sample(request, _backend));
        Assert.Equal(expected, ContractTable.Fingerprint(loaded.Sample(request, _backend)));
        // Sampling does not need the ledger.
        Assert.Equal(expected, ContractTable.Fingerprint(GeneratorRegistry.Load(path, readLedger: false).Sample(request, _backend)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Shards_and_batches_concatenate_to_the_whole(string kind)
    {
        var model = Shared(kind);
        // 2100 rows in 3 shards: boundaries inside any generator's row blocks; small batches too.
        var whole = model.Sample(new SampleRequest(2100, Seed: 3), _backend).ToArray();
        Assert.Equal(2100, ContractTable.RowCount(whole));
        var shards = Enumerable.Range(0, 3).SelectMany(i => model.Sample(new SampleRequest(2100, 3, i, 3), _backend, batchRows: 256)).ToArray();
        Assert.Equal(ContractTable.Fingerprint([TableOf(whole)]), ContractTable.Fingerprint([TableOf(shards)]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Copies_are_shards_of_one_model_or_separate_parameter_draws(string kind)
    {
        var model = Shared(kind);
        var copy0 = SampleRequest.ForCopy(model, 100, 0, 2, 4);
        var copy1 = SampleRequest.ForCopy(model, 100, 1, 2, 4);
        Assert.NotEqual(ContractTable.Fingerprint(model.Sample(copy0, _backend)), ContractTable.Fingerprint(model.Sample(copy1, _backend)));
        Assert.Equal(100, ContractTable.RowCount(model.Sample(copy1, _backend)));
        if (model.CopiesFromOneModel)
            Assert.ThrowsAny<ArgumentException>(() => model.Sample(new SampleRequest(10, 4) { Draw = 1 }, _backend).ToArray());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_bad_budget_or_setting_is_refused_before_any_private_value_is_read(string kind)
    {
        var g = GeneratorRegistry.Get(kind);
        var table = ContractTable.Unreadable(ContractTable.Columns);
        foreach (var (epsilon, delta) in new[] { (0.0, Delta), (-1.0, Delta), (double.NaN, Delta), (double.PositiveInfinity, Delta), (1.0, 0.0), (1.0, 1.0), (1.0, double.NaN) })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => g.Fit(table, ContractTable.PublicSchema, Request(g, epsilon: epsilon, delta: delta), _backend));
            Assert.Matches("epsilon|delta", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        var unknown = Request(g) with { Settings = GeneratorSettings.Empty.With("no_such_setting", "1") };
        var u = Assert.ThrowsAny<ArgumentException>(() => g.Fit(table, ContractTable.PublicSchema, unknown, _backend));
        Assert.Contains("no_such_setting", u.Message);
        // Proof that the unreadable table would have been noticed: with a good request the fit gets past
        // the checks and fails on the data (reading a value, or casting a column to read it).
        var reached = Record.Exception(() => g.Fit(table, ContractTable.PublicSchema, Request(g), _backend));
        Assert.True(reached is ContractTable.PrivateValueRead or InvalidCastException or TableFormatException, $"the fit did not reach the data: {reached}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_schema_mismatch_is_refused_before_any_private_value_is_read(string kind)
    {
        var g = GeneratorRegistry.Get(kind);
        var missing = ContractTable.Unreadable(ContractTable.Columns.Where(c => c.Item1 != "region").ToArray());
        var e = Assert.Throws<TableFormatException>(() => g.Fit(missing, ContractTable.PublicSchema, Request(g), _backend));
        Assert.Equal("region", e.Column);
        var wrongKind = ContractTable.Unreadable(ContractTable.Columns.Select(c => c.Item1 == "age" ? (c.Item1, ColumnKind.Categorical) : c).ToArray());
        e = Assert.Throws<TableFormatException>(() => g.Fit(wrongKind, ContractTable.PublicSchema, Request(g), _backend));
        Assert.Equal("age", e.Column);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sampled_values_stay_inside_the_declared_domain(string kind)
    {
        var model = Shared(kind);
        var domains = model.Domains;
        Assert.Equal(ContractTable.PublicSchema.ModelledColumns.Select(c => c.Name), domains.Select(d => d.Name));
        foreach (var d in domains)
        {
            var declared = ContractTable.PublicSchema.Find(d.Name)!;
            if (declared.Bounds is { } b) Assert.True(d.Min >= b.Min && d.Max <= b.Max, $"{d.Name}: domain [{d.Min}, {d.Max}] outside the declared [{b.Min}, {b.Max}]");
            if (declared.Categories is { } c) Assert.Subset(c.Values.ToHashSet(), d.Categories!.ToHashSet());
            Assert.False(d.MayBeMissing, $"{d.Name} is declared without missing values");
        }
        AssertInside(domains, model.Sample(new SampleRequest(2000, Seed: 1), _backend));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Without_public_domains_a_generator_estimates_them_with_DP_or_refuses_naming_the_column(string kind)
    {
        var g = GeneratorRegistry.Get(kind);
        var request = Request(g);
        try { g.Validate(ContractTable.PrivateSchema, request); }
        catch (ArgumentException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(ContractTable.PrivateSchema.Columns, c => e.Message.Contains($"\"{c.Name}\"", StringComparison.Ordinal));
            // The refusal comes before any private value is read.
            Assert.ThrowsAny<ArgumentException>(() => g.Fit(ContractTable.Unreadable(ContractTable.Columns), ContractTable.PrivateSchema, request, _backend));
            return;
        }
        var model = g.Fit(ContractTable.Create(), ContractTable.PrivateSchema, request, _backend);
        Assert.True(model.Ledger!.TotalEpsilon <= Epsilon);
        // Every estimated statistic is a stage of its own: more than training alone.
        Assert.True(model.Ledger.Stages.Count > Shared(kind).Ledger!.Stages.Count, "the DP-estimated domains are not in the ledger");
        AssertInside(model.Domains, model.Sample(new SampleRequest(2000, Seed: 1), _backend));
    }

    private static void AssertInside(IReadOnlyList<ColumnDomain> domains, IEnumerable<Table> batches)
    {
        foreach (var t in batches)
            foreach (var d in domains)
            {
                var column = t.Find(d.Name) ?? throw new Xunit.Sdk.XunitException($"sampled rows lack column {d.Name}");
                Assert.Equal(d.Kind, column.Kind);
                for (int i = 0; i < column.Length; i++)
                {
                    if (column.IsMissing(i))
                    {
                        Assert.True(d.MayBeMissing, $"{d.Name} row {i}: missing, but the domain has no missing values");
                        continue;
                    }
                    switch (column)
                    {
                        case NumericColumn n:
                            double v = n.Values[i];
                            Assert.True(v >= d.Min && v <= d.Max, $"{d.Name} row {i}: {v} outside [{d.Min}, {d.Max}]");
                            if (d.Kind == ColumnKind.Integer) Assert.Equal(Math.Round(v), v);
                            break;
                        case CategoricalColumn c:
                            Assert.Contains(c.ValueAt(i)!, d.Categories!);
                            break;
                    }
                }
            }
    }

    private static Table TableOf(IReadOnlyList<Table> parts) => Models.Twins.Study.TableRows.Concat(parts, "rows");
}
