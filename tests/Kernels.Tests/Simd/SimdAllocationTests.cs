using DpSynth.Kernels.Simd;

namespace DpSynth.Kernels.Tests.Simd;

/// <summary>The SIMD ops allocate nothing on the managed heap once warmed up (a DP-SGD step runs them thousands of times).</summary>
[Trait("Backend", "simd")]
public sealed class SimdAllocationTests : IDisposable
{
    private readonly SimdBackend _b = new();

    [Fact]
    public void Ops_do_not_allocate()
    {
        const int rows = 33, cols = 37;
        Tensor T(int r, int c) => _b.Allocate(r, c);
        var (x, y, z, dy) = (T(rows, cols), T(rows, cols), T(rows, cols), T(rows, cols));
        _b.Fill(x, 0.5f);
        var (bias, rowVector) = (T(1, cols), T(rows, 1));
        var (m, v, u, vc) = (T(rows, cols), T(rows, cols), T(1, rows), T(1, cols));
        _b.Fill(u, 1f);
        var a3 = T(rows * 3, cols);
        var examples = T(rows, 1);
        var spans = new ColumnSpans([(0, 3), (5, 20)]);
        var (dgamma, dbeta, uColumn) = (T(1, cols), T(1, cols), u.Reshape(rows, 1));
        var ops = new (string Name, Action Call)[]
        {
            ("AddBias", () => _b.AddBias(x, bias)),
            ("BiasGradient", () => _b.BiasGradient(dy, bias, 0.5f)),
            ("Axpy", () => _b.Axpy(0.1f, x, y)),
            ("Scale", () => _b.Scale(y, 0.9f)),
            ("Multiply", () => _b.Multiply(x, y, z)),
            ("CopyColumns", () => _b.CopyColumns(x, 1, z, 2, 30)),
            ("ActivationForward", () => _b.ActivationForward(Activation.Gelu, x, y)),
            ("ActivationBackward", () => _b.ActivationBackward(Activation.SiLU, x, y, dy, z)),
            ("Softmax", () => _b.Softmax(x, y, spans, log: true)),
            ("SoftmaxBackward", () => _b.SoftmaxBackward(y, dy, z, spans)),
            ("MseLoss", () => _b.MseLoss(x, y, z, rowVector, bias)),
            ("CrossEntropyLoss", () => _b.CrossEntropyLoss(x, y, spans, z, rowVector)),
            ("LayerNormForward", () => _b.LayerNormForward(x, bias, bias, y, rowVector, examples)),
            ("LayerNormBackward", () => _b.LayerNormBackward(dy, x, bias, rowVector, examples, z, dgamma, dbeta, 1f)),
            ("RowSquaredNorms", () => _b.RowSquaredNorms(x, rowVector)),
            ("GroupedSumSquaredNorms", () => _b.GroupedSumSquaredNorms(a3, 3, examples)),
            ("LinearPerExampleSquaredNorms", () => _b.LinearPerExampleSquaredNorms(a3, a3, 3, true, examples)),
            ("ClipFactors", () => _b.ClipFactors(examples, 1f, rowVector)),
            ("ScaleRows", () => _b.ScaleRows(a3, rowVector, 3)),
            ("SgdStep", () => _b.SgdStep(x, dy, m, 0.1f, 0.9f)),
            ("AdamStep", () => _b.AdamStep(x, dy, m, v, new AdamParameters(), 3)),
            ("PowerIteration", () => _b.PowerIteration(x, uColumn, vc, 2)),
        };
        foreach (var (name, call) in ops)
        {
            call(); // JIT and tiering warm-up
            call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name} allocated {allocated} bytes");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _b.Dispose();
}
