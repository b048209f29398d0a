using DpSynth.Kernels;
using DpSynth.Kernels.Cases;
using DpSynth.Kernels.Reference;

namespace DpSynth.Bench.Kernels;

/// <summary>
/// --conformance: every selected row of the case table checked on one backend against the scalar
/// reference, one JSON line per row and a summary line — the unit tests' check in a program that the
/// GPU bundle can run on a machine without the .NET SDK. Exit code 1 when any row fails.
/// </summary>
internal static class ConformanceRun
{
    public static int Run(BenchOptions options, TextWriter json)
    {
        using var backend = BackendFactory.Create(options.Device);
        using var reference = new ReferenceBackend();
        int passed = 0, failed = 0;
        foreach (var row in options.Rows())
        {
            var r = ConformanceCheck.Run(row, backend, reference);
            if (r.Passed) passed++;
            else failed++;
            JsonLines.Write(json, new
            {
                family = row.Family, op = row.Op, shape = row.Shape, @params = row.Parameters, tier = BenchRecord.Tier(row.Tier), backend = backend.Name,
                passed = r.Passed, worstRatio = double.IsInfinity(r.WorstRatio) ? -1 : Math.Round(r.WorstRatio, 4),
                maxAbsError = double.IsNaN(r.MaxAbsoluteError) ? -1 : r.MaxAbsoluteError, tolerance = row.Tolerance.ToString(), failure = r.Failure,
                ms = Math.Round(r.Seconds * 1e3, 3),
            });
        }
        JsonLines.Write(json, new { op = "conformance-summary", backend = backend.Name, passed, failed });
        return failed == 0 ? 0 : 1;
    }
}
