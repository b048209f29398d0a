using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators;
using DpSynth.Models.Generators.LipschitzVae;
using DpSynth.Models.Tabular;
using DpSynth.Models.Tests.Generators.Contract;
using DpSynth.Privacy.Mechanisms;

namespace DpSynth.Models.Tests.Generators.LipschitzVae;

public sealed class TwinsReleaseTests : IDisposable
{
    private readonly SimdBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    private static readonly TableSchema RowsPublic = ContractTable.PublicSchema with { Rows = new DeclaredRows(ContractTable.Rows) };

    // One fit shared by the checks that only read it.
    private static readonly Lazy<LipschitzVaeModel> Fitted = new(() =>
    {
        using var backend = new SimdBackend();
        var g = GeneratorRegistry.Get(LipschitzVaeModel.KindName);
        return (LipschitzVaeModel)g.Fit(ContractTable.Create(), RowsPublic, new FitRequest
        {
            Epsilon = 1,
            Delta = 1e-5,
            Seed = 3,
            Settings = GeneratorSettings.Empty.With("epochs", 3),
        }, backend);
    });

    private static LipschitzVaeModel Model => Fitted.Value;

    [Fact]
    public void The_fitted_encoder_mean_is_certified_at_the_target_and_its_certificate_survives_save_and_load()
    {
        Assert.True(Model.Mean.Lipschitz <= Model.Options.Lipschitz);
        Assert.True(Model.Mean.Lipschitz > Model.Options.Lipschitz * (1 - 1e-5)); // float32 rounding of W/‖W‖ only
        string path = Path.Combine(Path.GetTempPath(), $"lvae-{Guid.NewGuid():N}.dpsynth");
        try
        {
            Model.Save(path);
            var loaded = (LipschitzVaeModel)GeneratorRegistry.Load(path);
            Assert.Equal(Model.Mean.Lipschitz, loaded.Mean.Lipschitz);
            Assert.Equal(Model.Ledger!.TotalEpsilon, loaded.Ledger!.TotalEpsilon, 12);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Twins_repeat_with_a_seed_shards_concatenate_and_another_seed_differs()
    {
        var release = TwinsRelease.Plan(Model, 2, null, 5, null);
        var table = ContractTable.Create();
        string whole = ContractTable.Fingerprint(release.Sample(table, _backend, 7, batchRows: 64));
        Assert.Equal(Strip(whole), Strip(ContractTable.Fingerprint(release.Sample(table, _backend, 7, batchRows: 300))));
        string shards = string.Concat(Enumerable.Range(0, 3).Select(i => ContractTable.Fingerprint(release.Sample(table, _backend, 7, i, 3, batchRows: 64))));
        Assert.Equal(Strip(whole), Strip(shards));
        Assert.NotEqual(whole, ContractTable.Fingerprint(release.Sample(table, _backend, 8, batchRows: 64)));
        Assert.Equal(2 * ContractTable.Rows, ContractTable.RowCount(release.Sample(table, _backend, 7)));
    }

    /// <summary>The rows without the header lines each batch repeats.</summary>
    private static string Strip(string fingerprint) => string.Join('\n', fingerprint.Split('\n').Where(l => !l.StartsWith("age,", StringComparison.Ordinal)));

    [Fact]
    public void The_release_is_charged_root_k_delta_over_sigma_and_composes_with_the_fit_under_replace_one()
    {
        var release = TwinsRelease.Plan(Model, 4, null, 10, null);
        double delta = TwinsRelease.SensitivityOf(Model.Mean.Lipschitz, Model.Box.Diameter);
        Assert.Equal(delta, release.Sensitivity, 14);
        Assert.Equal(2 * delta / 10, release.Mu, 12);
        var g = release.Guarantee;
        Assert.Equal(GaussianDifferentialPrivacy.Epsilon(release.Mu, 0.5e-5), g.ReleaseEpsilon, 12);
        Assert.Equal(2 * Model.Ledger!.EpsilonAt(g.FitDeltaAddRemove), g.FitEpsilonReplaceOne, 12);
        Assert.True(g.Delta <= 1e-5);
        Assert.True(g.Epsilon > 2 * Model.Ledger!.TotalEpsilon); // the fit alone doubles under replace-one
    }

    [Fact]
    public void A_release_epsilon_solves_sigma_and_a_lipschitz_projection_shrinks_the_sensitivity()
    {
        var release = TwinsRelease.Plan(Model, 1, null, null, 6);
        Assert.Equal(6, release.Guarantee.Epsilon, 6);
        Assert.True(release.Guarantee.Epsilon <= 6 + 1e-9);
        var smaller = TwinsRelease.Plan(Model, 1, 0.25, null, 6);
        Assert.True(smaller.Mean.Lipschitz <= 0.25);
        Assert.True(smaller.Sigma < release.Sigma); // same ε, smaller Δ: less noise
        Assert.Equal(release.Mu, smaller.Mu, 6);
    }

    [Fact]
    public void A_fit_whose_ledger_is_infinite_at_the_needed_delta_is_refused_naming_delta()
    {
        var e = Assert.Throws<ArgumentException>(() => ReplaceOneComposition_Compose(d => d < 1e-6 ? double.PositiveInfinity : 0.5));
        Assert.Contains("no finite epsilon", e.Message);
    }

    private static void ReplaceOneComposition_Compose(Func<double, double> fit) => Privacy.Ledger.ReplaceOneComposition.Compose(fit, 0.1, 1e-6);

    [Fact]
    public void Bad_release_settings_are_refused_in_one_line()
    {
        foreach (var (k, sigma, epsilon, what) in new (int, double?, double?, string)[]
                 { (0, 1, null, "per-record"), (1, null, null, "exactly one"), (1, 1, 2, "exactly one"), (1, -1, null, "latent-sigma"), (1, null, 0.1, "leaves nothing") })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => TwinsRelease.Plan(Model, k, null, sigma, epsilon));
            Assert.Contains(what, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Twins_mode_needs_a_public_row_count_of_the_source_table()
    {
        var g = GeneratorRegistry.Get(LipschitzVaeModel.KindName);
        var request = new FitRequest { Epsilon = 1, Delta = 1e-5, Seed = 3, Settings = GeneratorSettings.Empty.With("epochs", 1) };
        var dpCount = (LipschitzVaeModel)g.Fit(ContractTable.Create(), ContractTable.PublicSchema, request, _backend);
        var release = TwinsRelease.Plan(dpCount, 1, null, 5, null);
        var e = Assert.Throws<ArgumentException>(() => release.Sample(ContractTable.Create(), _backend, 1).First());
        Assert.Contains("row count", e.Message);
        var other = TwinsRelease.Plan(Model, 1, null, 5, null);
        var smaller = new Table("smaller.csv", ContractTable.Create().Columns.Select(c => (TableColumn)(c switch
        {
            NumericColumn n => new NumericColumn(n.Name, n.Kind, n.Values.ToArray(), ContractTable.Rows - 1),
            CategoricalColumn k => new CategoricalColumn(k.Name, k.Kind, k.Codes.ToArray(), ContractTable.Rows - 1, k.Levels),
            _ => throw new InvalidOperationException(),
        })).ToArray());
        var d = Assert.Throws<ArgumentException>(() => other.Sample(smaller, _backend, 1).First());
        Assert.DoesNotContain(ContractTable.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Message);
    }

    [Fact]
    public void Small_release_noise_keeps_twins_near_their_records_and_large_noise_makes_them_prior_draws()
    {
        // A model that has learnt to reconstruct (a large ε, many epochs): what is tested is the release, not DP-SGD.
        // (Its label discovery spends δ/10 at a fixed threshold, so the replace-one share needs a larger total δ.)
        var g = GeneratorRegistry.Get(LipschitzVaeModel.KindName);
        var model = (LipschitzVaeModel)g.Fit(ContractTable.Create(), RowsPublic, new FitRequest
        {
            Epsilon = 4,
            Delta = 1e-5,
            Seed = 4,
            Settings = GeneratorSettings.Empty.With("epochs", 200).With("lipschitz", 4).With("latent-sigma", 0.1),
        }, _backend);
        var table = ContractTable.Create();
        double Agreement(double sigma)
        {
            var twins = TwinsRelease.Plan(model, 1, null, sigma, null, delta: 1e-3).Sample(table, _backend, 5).ToArray();
            var real = (CategoricalColumn)table.Find("region")!;
            int same = 0, row = 0;
            foreach (var batch in twins)
            {
                var region = (CategoricalColumn)batch.Find("region")!;
                for (int i = 0; i < batch.RowCount; i++, row++) if (region.ValueAt(i) == real.ValueAt(row)) same++;
            }
            return same / (double)row;
        }
        double near = Agreement(0.001), far = Agreement(1000);
        Assert.True(near > far + 0.2, $"agreement with the source record: {near:0.###} at sigma 0.01, {far:0.###} at sigma 1000");
    }
}
