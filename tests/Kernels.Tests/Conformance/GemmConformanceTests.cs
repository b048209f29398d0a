using DpSynth.Kernels;

namespace DpSynth.Kernels.Tests.Conformance;

/// <summary>
/// GEMM conformance, written once against <see cref="IComputeBackend"/>: every case runs on the
/// backend under test and on the reference and the results are compared. Each [Fact] loops over a
/// table of cases and names the failing one (ggml test-backend-ops style).
/// </summary>
public abstract class GemmConformanceTests : BackendTestBase
{
    /// <summary>The four (transposeA, transposeB) combinations.</summary>
    protected static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    private static readonly Activation[] AllActivations = Enum.GetValues<Activation>();

    /// <summary>One GEMM to check: C = act(α·op(A)·op(B) + β·C + bias).</summary>
    protected sealed record GemmCase(int M, int N, int K, bool TransposeA, bool TransposeB, float Alpha = 1f, float Beta = 0f,
        bool Bias = false, Activation Activation = Activation.None, float Slope = 0.01f, bool NaNInC = false)
    {
        /// <inheritdoc />
        public override string ToString()
            => $"{M}x{N}x{K} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')} α={Alpha} β={Beta}"
               + (Bias ? " +bias" : "") + (Activation != Activation.None ? $" {Activation}({Slope})" : "") + (NaNInC ? " C=NaN" : "");
    }

    /// <summary>
    /// Float accumulation over K products of values in [−1, 1]: the error grows with K, so the
    /// tolerance does too; a wrong index or a dropped term is off by O(1).
    /// </summary>
    protected static float Tolerance(int k) => 1e-5f + 2e-6f * k;

    /// <summary>Runs one case on both backends and compares C.</summary>
    protected void Check(GemmCase c, int seed)
    {
        var (a, aRef) = RandomPair(c.TransposeA ? c.K : c.M, c.TransposeA ? c.M : c.K, seed);
        var (b, bRef) = RandomPair(c.TransposeB ? c.N : c.K, c.TransposeB ? c.K : c.N, seed + 1);
        var cData = c.NaNInC ? Enumerable.Repeat(float.NaN, c.M * c.N).ToArray() : RandomData(c.M * c.N, seed + 2);
        var (cOut, cRef) = Pair(c.M, c.N, cData);
        var (bias, biasRef) = c.Bias ? RandomPair(1, c.N, seed + 3) : (null, null);
        Backend.Gemm(a, c.TransposeA, b, c.TransposeB, cOut, c.Alpha, c.Beta, new GemmEpilogue(bias, c.Activation, c.Slope));
        Reference.Gemm(aRef, c.TransposeA, bRef, c.TransposeB, cRef, c.Alpha, c.Beta, new GemmEpilogue(biasRef, c.Activation, c.Slope));
        float tol = Tolerance(c.K) * Math.Max(1f, Math.Abs(c.Alpha) + Math.Abs(c.Beta));
        AssertClose(cRef, cOut, 1e-5f, tol, $"{Backend.Name} Gemm {c}");
    }

    /// <summary>(m, n, k) from the size list, skipping the ones whose reference product is too costly.</summary>
    protected IEnumerable<(int M, int N, int K)> ShapeTable(double maxProduct = 2.5e6)
    {
        foreach (int m in GemmSizes)
            foreach (int n in GemmSizes)
                foreach (int k in GemmSizes)
                    if ((double)m * n * k <= maxProduct) yield return (m, n, k);
    }

    /// <summary>A few ragged shapes for the cases that multiply the table by other parameters.</summary>
    protected IEnumerable<(int M, int N, int K)> SmallShapeTable()
    {
        var s = GemmSizes;
        int big = s[^1], mid = s[s.Count / 2], small = s[Math.Min(1, s.Count - 1)];
        return new[] { (mid, big, small), (big, small, mid), (small, mid, big), (1, mid, small), (mid, 1, 1) }.Distinct();
    }

    /// <summary>Plain product, every transpose combination, every shape in the table.</summary>
    [Fact]
    public void ProductMatchesReferenceForAllTransposesAndShapes()
    {
        int seed = 100;
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in ShapeTable())
                Check(new GemmCase(m, n, k, ta, tb), seed++);
    }

    /// <summary>α scales the product and β blends in the old C (including α = 0 and negative factors).</summary>
    [Fact]
    public void AlphaAndBetaBlendWithTheOldC()
    {
        (float Alpha, float Beta)[] factors = [(1f, 1f), (0.5f, -2f), (-1.5f, 0.25f), (0f, 1f), (2f, 0f)];
        int seed = 200;
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in SmallShapeTable())
                foreach (var (alpha, beta) in factors)
                    Check(new GemmCase(m, n, k, ta, tb, alpha, beta), seed++);
    }

    /// <summary>β = 0 means "overwrite": NaNs already in C must not survive (0·NaN would be NaN).</summary>
    [Fact]
    public void BetaZeroIgnoresNaNInC()
    {
        int seed = 300;
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in SmallShapeTable())
            {
                Check(new GemmCase(m, n, k, ta, tb, NaNInC: true), seed++);
                Check(new GemmCase(m, n, k, ta, tb, Alpha: 0.75f, Bias: true, Activation: Activation.Tanh, NaNInC: true), seed++);
            }
    }

    /// <summary>Fused epilogue: bias and every activation, alone and together, with and without β.</summary>
    [Fact]
    public void BiasAndActivationEpilogueMatchReference()
    {
        int seed = 400, t = 0;
        foreach (var act in AllActivations)
            foreach (bool bias in new[] { false, true })
                foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 1f) })
                    foreach (var (m, n, k) in SmallShapeTable())
                    {
                        var (ta, tb) = Transposes[t++ % Transposes.Length];
                        float slope = act == Activation.LeakyReLU ? 0.2f : 0.01f;
                        Check(new GemmCase(m, n, k, ta, tb, alpha, beta, bias, act, slope), seed++);
                    }
    }

    /// <summary>A long inner dimension, which blocked implementations split into several K panels.</summary>
    [Fact]
    public void LongInnerDimensionAccumulatesAcrossBlocks()
    {
        int seed = 500;
        foreach (var (ta, tb) in Transposes)
        {
            Check(new GemmCase(17, 17, 1000, ta, tb), seed++);
            Check(new GemmCase(40, 70, 777, ta, tb, 0.5f, 0.5f, true, Activation.Tanh), seed++);
            Check(new GemmCase(13, 35, 600, ta, tb, 1f, 0f, true, Activation.Gelu), seed++);
        }
    }

    /// <summary>K = 0: the product is empty, so C = act(β·C + bias).</summary>
    [Fact]
    public void EmptyInnerDimensionLeavesBetaCPlusBias()
    {
        int seed = 600;
        foreach (var (ta, tb) in Transposes)
        {
            Check(new GemmCase(7, 33, 0, ta, tb, 1f, 0.5f, true, Activation.ReLU), seed++);
            Check(new GemmCase(33, 7, 0, ta, tb, 1f, 0f, false, Activation.None, NaNInC: true), seed++);
            Check(new GemmCase(5, 17, 0, ta, tb, 2f, 1f, true, Activation.Sigmoid), seed++);
        }
    }

    /// <summary>An empty output (M = 0 or N = 0) is a valid no-op.</summary>
    [Fact]
    public void EmptyOutputIsANoOp()
    {
        foreach (var (m, n, k) in new[] { (0, 5, 3), (4, 0, 3), (0, 0, 0) })
            Check(new GemmCase(m, n, k, false, false), 700);
    }

    /// <summary>Operands that are row views into larger allocations (offsets not multiples of 16).</summary>
    [Fact]
    public void RowViewsOfLargerTensorsWork()
    {
        const int m = 33, n = 19, k = 21;
        var (aBig, aBigRef) = RandomPair(m + 5, k, 800);
        var (bBig, bBigRef) = RandomPair(k + 3, n, 801);
        var (cBig, cBigRef) = RandomPair(m + 7, n, 802);
        Backend.Gemm(aBig.SliceRows(5, m), false, bBig.SliceRows(3, k), false, cBig.SliceRows(7, m), 1f, 1f);
        Reference.Gemm(aBigRef.SliceRows(5, m), false, bBigRef.SliceRows(3, k), false, cBigRef.SliceRows(7, m), 1f, 1f);
        AssertClose(cBigRef, cBig, 1e-5f, Tolerance(k), $"{Backend.Name} Gemm on row views (rows outside the view must be untouched)");
    }

    /// <summary>Misuse throws ArgumentException whose message names the shapes involved.</summary>
    [Fact]
    public void MismatchedShapesThrowNamingTheShapes()
    {
        var a = Backend.Allocate(7, 5);
        var b = Backend.Allocate(6, 3);
        var c = Backend.Allocate(7, 3);
        var cases = new (string Name, Action Call, string[] Mentions)[]
        {
            ("inner dimension", () => Backend.Gemm(a, false, b, false, c), ["7×5", "6×3"]),
            ("inner dimension, A transposed", () => Backend.Gemm(a, true, b, false, Backend.Allocate(5, 3)), ["7×5", "6×3"]),
            ("inner dimension, B transposed", () => Backend.Gemm(a, false, b, true, Backend.Allocate(7, 6)), ["7×5", "6×3"]),
            ("C shape", () => Backend.Gemm(a, false, Backend.Allocate(5, 3), false, Backend.Allocate(4, 3)), ["4×3", "7×3"]),
            ("C shape, both transposed", () => Backend.Gemm(a, true, Backend.Allocate(3, 7), true, Backend.Allocate(5, 4)), ["5×4", "5×3"]),
            ("bias length", () => Backend.Gemm(a, false, Backend.Allocate(5, 3), false, c, 1f, 0f, new GemmEpilogue(Backend.Allocate(1, 4))), ["1×4", "1×3"]),
            ("C aliases A", () => Backend.Gemm(c, false, Backend.Allocate(3, 3), false, c), ["7×3"]),
        };
        foreach (var (name, call, mentions) in cases)
        {
            var e = Assert.Throws<ArgumentException>(call);
            foreach (string shape in mentions)
                Assert.True(e.Message.Contains(shape), $"{Backend.Name} Gemm misuse '{name}': message \"{e.Message}\" does not mention {shape}");
        }
    }
}
