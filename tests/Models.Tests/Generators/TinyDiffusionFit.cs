using DpSynth.Kernels;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Simulation;

namespace DpSynth.Models.Tests.Generators;

/// <summary>A small, seeded TableDiffusion fit on the clinic simulator at ε = 2, δ = 1e-5, for tests of what a fit produces.</summary>
internal static class TinyDiffusionFit
{
    public static TableDiffusionModel Fit(IComputeBackend backend, TableDiffusionOptions options, int rows = 1500)
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: rows, Centres: 4, Seed: 3));
        return TableDiffusionFitter.Fit(sim.Generate(), sim.Schema, new TableDiffusionFitRequest
        {
            Epsilon = 2,
            Delta = 1e-5,
            Seed = 4,
            Options = options,
        }, backend);
    }
}
