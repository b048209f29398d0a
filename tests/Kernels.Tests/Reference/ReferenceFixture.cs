using DpSynth.Kernels.Reference;

namespace DpSynth.Kernels.Tests.Reference;

/// <summary>Helpers for the reference backend's own tests (independent of any other backend).</summary>
public abstract class ReferenceFixture : IDisposable
{
    /// <summary>The backend under test.</summary>
    protected ReferenceBackend Ref { get; } = new();

    /// <summary>A reference tensor holding <paramref name="data"/>.</summary>
    protected Tensor Make(int rows, int cols, float[] data)
    {
        var t = Ref.Allocate(rows, cols);
        Ref.Upload(data, t);
        return t;
    }

    /// <summary>A tensor's contents.</summary>
    protected float[] Host(Tensor t)
    {
        var data = new float[t.Length];
        Ref.Download(t, data);
        return data;
    }

    /// <summary>Seeded uniform data in [lo, hi).</summary>
    protected static float[] Random(int length, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, length).Select(_ => lo + (hi - lo) * (float)rng.NextDouble()).ToArray();
    }

    /// <summary>
    /// Central difference (f(x + h) − f(x − h)) / 2h of a double-precision function with respect to
    /// element k of x; x is restored afterwards.
    /// </summary>
    protected static double NumericDerivative(Func<double[], double> f, double[] x, int k, double h = 1e-6)
    {
        double saved = x[k];
        x[k] = saved + h;
        double plus = f(x);
        x[k] = saved - h;
        double minus = f(x);
        x[k] = saved;
        return (plus - minus) / (2 * h);
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected|, naming the case.</summary>
    protected static void Near(double expected, double actual, double rtol, double atol, string context)
        => Assert.True(Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected), $"{context}: got {actual}, expected {expected}");

    /// <inheritdoc />
    public void Dispose()
    {
        Ref.Dispose();
        GC.SuppressFinalize(this);
    }
}
