using DpSynth.Kernels;
using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Generators.TableDiffusion;
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

/// <summary>A generator kind the black-box audit can fit: its name, the controls that apply, and fit-then-sample.</summary>
internal interface IAuditedGenerator
{
    /// <summary>The kind, as in model files.</summary>
    string Kind { get; }

    /// <summary>Positive controls that break something this generator uses.</summary>
    IReadOnlyList<PositiveControl> Controls { get; }

    /// <summary>Fits on the table and returns the synthetic table and the ε the fit's ledger reports.</summary>
    (Table Synthetic, double Epsilon) FitAndSample(AuditFit fit, CancellationToken cancellation);
}

/// <summary>The generators the audit knows, by kind.</summary>
internal static class AuditedGenerators
{
    /// <summary>Kinds in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [TableDiffusionModel.Kind, DpviModel.Kind];

    /// <summary>The generator of kind <paramref name="kind"/>; throws <see cref="ArgumentException"/> for an unknown kind.</summary>
    public static IAuditedGenerator Create(string kind, string device) => kind switch
    {
        TableDiffusionModel.Kind => new TableDiffusionAudited(device),
        DpviModel.Kind => new DpviAudited(),
        _ => throw new ArgumentException($"unknown generator '{kind}' (expected {string.Join(" or ", Kinds)})"),
    };

    /// <summary>TableDiffusion, default preset, on a compute backend made per fit.</summary>
    private sealed class TableDiffusionAudited(string device) : IAuditedGenerator
    {
        public string Kind => TableDiffusionModel.Kind;

        public IReadOnlyList<PositiveControl> Controls { get; } =
            [PositiveControl.CategoriesWithoutDp, PositiveControl.NoiseDividedByTen, PositiveControl.ClippingDisabled];

        public (Table, double) FitAndSample(AuditFit fit, CancellationToken cancellation)
        {
            using var backend = BackendFactory.Create(device);
            var request = new TableDiffusionFitRequest
            {
                Epsilon = fit.Epsilon, Delta = fit.Delta, Options = TableDiffusionOptions.Default, Seed = fit.Seed,
                SchemaFile = "audit schema", Faults = fit.Faults,
            };
            var model = TableDiffusionFitter.Fit(fit.Table, fit.Schema, request, backend, null, cancellation);
            var synthetic = TableRows.Concat(model.Sample(backend, new SampleRequest(fit.SyntheticRows, fit.Seed)), "synthetic");
            return (synthetic, model.Ledger!.TotalEpsilon);
        }
    }

    /// <summary>DPVI with its default options and no outcome (the audit table has no label column).</summary>
    private sealed class DpviAudited : IAuditedGenerator
    {
        public string Kind => DpviModel.Kind;

        // DPVI never discovers categories: everything must be public, so that control has nothing to break.
        public IReadOnlyList<PositiveControl> Controls { get; } = [PositiveControl.NoiseDividedByTen, PositiveControl.ClippingDisabled];

        public (Table, double) FitAndSample(AuditFit fit, CancellationToken cancellation)
        {
            var request = new DpviFitRequest { Epsilon = fit.Epsilon, Delta = fit.Delta, Seed = fit.Seed, SchemaFile = "audit schema", Faults = fit.Faults };
            var model = DpviFitter.Fit(fit.Table, fit.Schema, request, null, cancellation);
            return (model.SampleCopy(fit.SyntheticRows, 0, fit.Seed), model.Ledger!.TotalEpsilon);
        }
    }
}
