using DpSynth.Kernels;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;
using DpSynth.Models.Twins.Study;

namespace DpSynth.Models.Audit.Generators;

/// <summary>One fit of a generator on a private table and a synthetic table of public size from it.</summary>
/// <param name="Table">The private table.</param>
/// <param name="Schema">Its schema.</param>
/// <param name="Epsilon">Budget ε.</param>
/// <param name="Delta">Budget δ.</param>
/// <param name="SyntheticRows">Rows to sample (a public constant, never the private row count).</param>
/// <param name="Seed">Seed of the fit and the sampling, or null for the CSPRNG.</param>
/// <param name="Faults">Positive-control faults.</param>
internal sealed record AuditFit(Table Table, TableSchema Schema, double Epsilon, double Delta, int SyntheticRows, ulong? Seed, AuditFaults Faults);

/// <summary>
/// The audit's view of the generator registry: every registered kind can be audited with its default
/// settings, so a generator added to <see cref="GeneratorRegistry"/> joins the audit with no change here.
/// </summary>
internal static class AuditedGenerators
{
    /// <summary>The kinds, in registry order.</summary>
    public static IReadOnlyList<string> Kinds => GeneratorRegistry.All.Select(g => g.Kind).ToArray();

    /// <summary>
    /// The positive controls that break something <paramref name="kind"/> uses, the default first:
    /// categories-without-DP where the generator accepts a schema that leaves a category set private
    /// (it must then discover it with DP), then the two DP-SGD faults.
    /// </summary>
    public static IReadOnlyList<PositiveControl> Controls(string kind)
    {
        var generator = GeneratorRegistry.Get(kind);
        var controls = new List<PositiveControl>();
        try
        {
            generator.Validate(AuditTable.Schema(privateCategoriesOfA: true), new FitRequest { Epsilon = 1, Delta = 1e-5 });
            controls.Add(PositiveControl.CategoriesWithoutDp);
        }
        catch (ArgumentException)
        {
            // The generator refuses private category sets (it never discovers them): nothing to break.
        }
        controls.Add(PositiveControl.NoiseDividedByTen);
        controls.Add(PositiveControl.ClippingDisabled);
        return controls;
    }

    /// <summary>Fits through the registry and samples; returns the synthetic table and the ε the fit's ledger reports.</summary>
    public static (Table Synthetic, double Epsilon) FitAndSample(string kind, string device, AuditFit fit, CancellationToken cancellation)
    {
        var generator = GeneratorRegistry.Get(kind);
        using var backend = generator.UsesBackend ? BackendFactory.Create(device) : null;
        var request = new FitRequest { Epsilon = fit.Epsilon, Delta = fit.Delta, Seed = fit.Seed, SchemaFile = "audit schema", Faults = fit.Faults };
        var model = generator.Fit(fit.Table, fit.Schema, request, backend, null, cancellation);
        var synthetic = TableRows.Concat(model.Sample(new SampleRequest(fit.SyntheticRows, fit.Seed), backend), "synthetic");
        return (synthetic, model.Ledger?.TotalEpsilon ?? double.PositiveInfinity);
    }
}
