using System.Diagnostics;
using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels.Cases;

/// <summary>The outcome of one row on one backend.</summary>
/// <param name="Row">The row.</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="WorstRatio">The largest share of its tolerance any element used (≤ 1 passes; +∞ for NaN or bit mismatches).</param>
/// <param name="MaxAbsoluteError">The largest |actual − expected| over all outputs.</param>
/// <param name="Failure">What went wrong (the first element out of tolerance, or the exception), or null.</param>
/// <param name="Seconds">Wall time of the backend's setup, calls and download.</param>
internal sealed record ConformanceResult(KernelCase Row, string Backend, double WorstRatio, double MaxAbsoluteError, string? Failure, double Seconds)
{
    /// <summary>True when every output is within tolerance.</summary>
    public bool Passed => Failure is null;
}

/// <summary>
/// Runs a row on a backend and on the scalar reference from the same inputs and compares every
/// output (and the returned number, if any) within the row's tolerance.
/// </summary>
internal static class ConformanceCheck
{
    /// <summary>Checks <paramref name="row"/> on <paramref name="backend"/> against <paramref name="reference"/>.</summary>
    public static ConformanceResult Run(KernelCase row, IComputeBackend backend, ReferenceBackend reference)
    {
        var expected = Execute(row, reference);
        var clock = Stopwatch.StartNew();
        Outcome actual;
        try
        {
            actual = Execute(row, backend);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new(row, backend.Name, double.PositiveInfinity, double.NaN, $"{e.GetType().Name}: {e.Message}", clock.Elapsed.TotalSeconds);
        }
        double seconds = clock.Elapsed.TotalSeconds;

        double worst = 0, maxError = 0;
        string? failure = null;
        void Compare(string what, float e, float a, CaseTolerance tolerance, int index)
        {
            double ratio = tolerance.Ratio(e, a);
            if (!float.IsNaN(e) && !float.IsNaN(a)) maxError = Math.Max(maxError, Math.Abs((double)a - e));
            if (ratio > worst) worst = ratio;
            if (ratio > 1 && failure is null)
                failure = $"{what}{(index >= 0 ? $"[{index}]" : "")} is {a:R}, expected {e:R} ({tolerance})";
        }
        for (int o = 0; o < expected.Outputs.Count; o++)
        {
            var (name, values, tolerance) = expected.Outputs[o];
            var got = actual.Outputs[o].Values;
            if (got.Length != values.Length)
            {
                failure ??= $"{name} has {got.Length} elements, expected {values.Length}";
                continue;
            }
            for (int i = 0; i < values.Length; i++) Compare(name, values[i], got[i], tolerance ?? row.Tolerance, i);
        }
        if (expected.Value is { } value)
            Compare("returned value", value, actual.Value ?? float.NaN, expected.ValueTolerance ?? row.Tolerance, -1);
        return new(row, backend.Name, worst, maxError, failure, seconds);
    }

    private sealed record Outcome(IReadOnlyList<(string Name, float[] Values, CaseTolerance? Tolerance)> Outputs, float? Value, CaseTolerance? ValueTolerance);

    private static Outcome Execute(KernelCase row, IComputeBackend backend)
    {
        using var builder = new CaseBuilder(backend, Seed(row.Name));
        var run = row.Setup(builder, row.Batch);
        for (int i = 0; i < row.Calls; i++) run.Invoke();
        backend.Synchronize();
        var outputs = new List<(string, float[], CaseTolerance?)>(run.Outputs.Count);
        foreach (var output in run.Outputs)
        {
            var data = new float[output.Tensor.Length];
            backend.Download(output.Tensor, data);
            outputs.Add((output.Name, data, output.Tolerance));
        }
        return new(outputs, run.Value, run.ValueTolerance);
    }

    /// <summary>A seed from the row's name (FNV-1a: stable across processes, unlike string.GetHashCode).</summary>
    public static int Seed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7fffffff);
    }
}
