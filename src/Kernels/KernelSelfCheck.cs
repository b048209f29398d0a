using DpSynth.Kernels.Random;
using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels;

/// <summary>One result of <see cref="KernelSelfCheck"/>.</summary>
/// <param name="Op">What was checked.</param>
/// <param name="MaxError">Largest absolute difference from the scalar reference.</param>
/// <param name="Tolerance">The largest difference accepted.</param>
public sealed record SelfCheckResult(string Op, double MaxError, double Tolerance)
{
    /// <summary>True when the error is within tolerance.</summary>
    public bool Passed => MaxError <= Tolerance;
}

/// <summary>
/// A quick end-to-end check that a backend computes what the scalar reference computes on the
/// shapes of a small DP-SGD step (a layer's forward GEMM with fused epilogue, both backward GEMMs,
/// per-example gradient norms, clipping and the noise stream). Cheap enough to run on every
/// start-up of a long job, so a miscompiled kernel is caught before it spends a privacy budget.
/// </summary>
public static class KernelSelfCheck
{
    /// <summary>Runs the checks on <paramref name="backend"/>.</summary>
    public static IReadOnlyList<SelfCheckResult> Run(IComputeBackend backend)
    {
        using var reference = new ReferenceBackend();
        const int batch = 37, inputs = 33, outputs = 19;
        var rng = new System.Random(12345);
        float[] Data(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] x = Data(batch * inputs), w = Data(outputs * inputs), bias = Data(outputs), dy = Data(batch * outputs);

        var results = new List<SelfCheckResult>();
        double Compare(Func<IComputeBackend, float[]> compute)
        {
            float[] expected = compute(reference), actual = compute(backend);
            double max = 0;
            for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            return max;
        }

        results.Add(new("gemm x·wᵀ + bias, GELU", Compare(b =>
        {
            var y = b.Allocate(batch, outputs);
            b.Gemm(Put(b, batch, inputs, x), false, Put(b, outputs, inputs, w), true, y, 1f, 0f, new GemmEpilogue(Put(b, 1, outputs, bias), Activation.Gelu));
            return Get(y);
        }), 1e-4));
        results.Add(new("gemm dyᵀ·x (weight gradient)", Compare(b =>
        {
            var dw = b.Allocate(outputs, inputs);
            b.Gemm(Put(b, batch, outputs, dy), true, Put(b, batch, inputs, x), false, dw);
            return Get(dw);
        }), 1e-4));
        results.Add(new("gemm dy·w (input gradient)", Compare(b =>
        {
            var dx = b.Allocate(batch, inputs);
            b.Gemm(Put(b, batch, outputs, dy), false, Put(b, outputs, inputs, w), false, dx);
            return Get(dx);
        }), 1e-4));
        results.Add(new("per-example norms (groups of 1 and 37) and clip factors", Compare(b =>
        {
            var a = Put(b, batch, inputs, x);
            var d = Put(b, batch, outputs, dy);
            var norms = b.Allocate(batch, 1);
            var grouped = b.Allocate(1, 1);
            var factors = b.Allocate(batch, 1);
            b.LinearPerExampleSquaredNorms(a, d, 1, true, norms);
            b.LinearPerExampleSquaredNorms(a, d, batch, true, grouped);
            b.ClipFactors(norms, 1f, factors);
            return [.. Get(norms).Select(v => v / 100f), .. Get(grouped).Select(v => v / 10000f), .. Get(factors)];
        }), 1e-4));
        results.Add(new("ChaCha20 Gaussian noise (bit-exact)", Compare(b =>
        {
            var n = b.Allocate(1, 1000);
            b.AddGaussianNoise(n, 1.5f, NoiseKey.FromSeed(7), 12345);
            return Get(n);
        }), 0));
        return results;
    }

    private static Tensor Put(IComputeBackend b, int rows, int cols, float[] data)
    {
        var t = b.Allocate(rows, cols);
        b.Upload(data, t);
        return t;
    }

    private static float[] Get(Tensor t)
    {
        var data = new float[t.Length];
        t.Backend.Synchronize();
        t.Backend.Download(t, data);
        return data;
    }
}
