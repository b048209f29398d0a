namespace DpSynth.Kernels.Cases;

/// <summary>
/// Case-table rows of Gemm: C = act(α·op(A)·op(B) + β·C + bias). Every transpose combination on a
/// grid of awkward M, N, K; α/β blending; β = 0 over NaNs; every fused epilogue; long and empty inner
/// dimensions; empty outputs; row views; and the reference network's GEMMs.
/// </summary>
/// <remarks>
/// The network stores weights in×out, so a layer's forward is Y = X·W (+ bias, activation fused), the
/// input gradient dX = dY·Wᵀ (B transposed) and the weight gradient dW = Xᵀ·dY (A transposed, K = batch).
/// </remarks>
internal static class GemmCases
{
    private static readonly int[] Sizes = [1, 7, 17, 33, 257];
    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    // Ragged shapes for the cases that multiply the table by other parameters: awkward ones, and tiny
    // ones that span two or three of the simulator's 16-wide tiles in every dimension.
    private static readonly (int M, int N, int K)[] Ragged =
        [(17, 257, 7), (257, 7, 17), (7, 17, 257), (17, 33, 7), (33, 7, 17), (7, 17, 33), (1, 17, 7), (17, 1, 1)];

    private enum BatchDimension { M, K }

    private sealed record Spec(int M, int N, int K, bool TransposeA, bool TransposeB, float Alpha = 1f, float Beta = 0f,
        bool Bias = false, Activation Activation = Activation.None, float Slope = 0.01f, bool NaNInC = false, string Role = "",
        BatchDimension Batch = BatchDimension.M, CaseTier? Tier = null)
    {
        public string Parameters
            => $"{(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}"
               + (Alpha != 1f || Beta != 0f ? $" alpha={Alpha} beta={Beta}" : "")
               + (Bias ? " +bias" : "") + (Activation != Activation.None ? $" {Activation.ToString().ToLowerInvariant()}({Slope})" : "")
               + (NaNInC ? " C=NaN" : "") + (Role.Length > 0 ? " " + Role : "");
    }

    /// <summary>Every row of the family.</summary>
    public static IEnumerable<KernelCase> Rows()
    {
        var rows = new List<Spec>();
        foreach (var (ta, tb) in Transposes)
            foreach (int m in Sizes)
                foreach (int n in Sizes)
                    foreach (int k in Sizes)
                        if ((double)m * n * k <= 2.5e6) rows.Add(new(m, n, k, ta, tb));
        // Exact multiples of the vector width (no tails at all).
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in new[] { (16, 16, 16), (32, 32, 16), (16, 32, 32) })
                rows.Add(new(m, n, k, ta, tb));
        (float, float)[] factors = [(1f, 1f), (0.5f, -2f), (-1.5f, 0.25f), (0f, 1f), (2f, 0f)];
        foreach (var (ta, tb) in Transposes)
            foreach (var (m, n, k) in Ragged)
            {
                foreach (var (alpha, beta) in factors) rows.Add(new(m, n, k, ta, tb, alpha, beta));
                // β = 0 means "overwrite": NaNs already in C must not survive (0·NaN would be NaN).
                rows.Add(new(m, n, k, ta, tb, NaNInC: true));
                rows.Add(new(m, n, k, ta, tb, Alpha: 0.75f, Bias: true, Activation: Activation.Tanh, NaNInC: true));
            }
        int t = 0;
        foreach (var act in Enum.GetValues<Activation>())
            foreach (bool bias in new[] { false, true })
                foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 1f) })
                    foreach (var (m, n, k) in Ragged)
                    {
                        var (ta, tb) = Transposes[t++ % Transposes.Length];
                        if (act == Activation.None && !bias && beta == 0f) continue; // the plain product, already in the grid
                        rows.Add(new(m, n, k, ta, tb, alpha, beta, bias, act, act == Activation.LeakyReLU ? 0.2f : 0.01f));
                    }
        foreach (var (ta, tb) in Transposes)
        {
            // A long inner dimension, which blocked implementations split into several K panels.
            rows.Add(new(17, 17, 1000, ta, tb));
            rows.Add(new(40, 70, 777, ta, tb, 0.5f, 0.5f, true, Activation.Tanh));
            rows.Add(new(13, 35, 600, ta, tb, 1f, 0f, true, Activation.Gelu));
            // K = 0: the product is empty, so C = act(β·C + bias).
            rows.Add(new(7, 33, 0, ta, tb, 1f, 0.5f, true, Activation.ReLU));
            rows.Add(new(33, 7, 0, ta, tb, NaNInC: true));
            rows.Add(new(5, 17, 0, ta, tb, 2f, 1f, true, Activation.Sigmoid));
        }
        // Two of a GPU's 64×64 tiles in every dimension, with the whole epilogue.
        foreach (var (ta, tb) in Transposes) rows.Add(new(70, 65, 67, ta, tb, 0.5f, 0.25f, true, Activation.Gelu));
        // An empty output (M = 0 or N = 0) is a valid no-op.
        foreach (var (m, n, k) in new[] { (0, 5, 3), (4, 0, 3), (0, 0, 0) }) rows.Add(new(m, n, k, false, false));

        // The headline shape in every transpose, and each layer's forward, input gradient and weight gradient.
        foreach (var (ta, tb) in Transposes) rows.Add(new(1024, 256, 256, ta, tb, Tier: CaseTier.Network));
        foreach (int batch in CaseShapes.Batches)
            for (int layer = 0; layer < CaseShapes.Layers.Length; layer++)
            {
                var (fanIn, fanOut) = CaseShapes.Layers[layer];
                var tier = CaseShapes.NetworkTier(batch);
                rows.Add(new(batch, fanOut, fanIn, false, false, Bias: true, Activation: Activation.SiLU, Role: $"layer{layer + 1}-forward", Tier: tier));
                rows.Add(new(batch, fanIn, fanOut, false, true, Role: $"layer{layer + 1}-input-gradient", Tier: tier));
                rows.Add(new(fanIn, fanOut, batch, true, false, Role: $"layer{layer + 1}-weight-gradient", Batch: BatchDimension.K, Tier: tier));
            }

        foreach (var spec in rows) yield return Row(spec);
        yield return RowViews();
    }

    /// <summary>
    /// Float accumulation over K products of values in [−1, 1]: the error grows with K, so the tolerance
    /// does too; a wrong index or a dropped term is off by O(1).
    /// </summary>
    private static CaseTolerance Tolerance(int k, float alpha, float beta)
        => new(1e-5f, (1e-5f + 2e-6f * k) * Math.Max(1f, Math.Abs(alpha) + Math.Abs(beta)));

    private static CaseWork Work(int m, int n, int k, float beta, bool bias)
        => new(2.0 * m * n * k, 4.0 * ((double)m * k + (double)k * n + (beta != 0f ? 2.0 : 1.0) * m * n + (bias ? n : 0)));

    private static KernelCase Row(Spec s)
    {
        bool batchIsK = s.Batch == BatchDimension.K;
        var tier = s.Tier ?? CaseShapes.TierOf(s.M, s.N, s.K);
        return new("gemm", "Gemm", $"{s.M}x{s.N}x{s.K}", s.Parameters, tier, Tolerance(s.K, s.Alpha, s.Beta), batchIsK ? s.K : s.M,
            batch => Work(batchIsK ? s.M : batch, s.N, batchIsK ? batch : s.K, s.Beta, s.Bias), (b, batch) =>
            {
                int m = batchIsK ? s.M : batch, k = batchIsK ? batch : s.K;
                var a = b.Random(s.TransposeA ? k : m, s.TransposeA ? m : k);
                var bm = b.Random(s.TransposeB ? s.N : k, s.TransposeB ? k : s.N);
                var c = s.NaNInC ? b.Filled(m, s.N, float.NaN) : b.Random(m, s.N);
                var epilogue = new GemmEpilogue(s.Bias ? b.Random(1, s.N) : null, s.Activation, s.Slope);
                return new CaseRun(() => b.Backend.Gemm(a, s.TransposeA, bm, s.TransposeB, c, s.Alpha, s.Beta, epilogue), new CaseOutput("C", c));
            });
    }

    /// <summary>Operands that are row views into larger allocations (offsets not multiples of 16); rows outside the views must be untouched.</summary>
    private static KernelCase RowViews()
    {
        const int m = 33, n = 19, k = 21;
        return new("gemm", "Gemm", $"{m}x{n}x{k}", "NN alpha=1 beta=1 row-views", CaseTier.Tiny, Tolerance(k, 1f, 1f), m,
            _ => Work(m, n, k, 1f, false), (b, _) =>
            {
                var (a, _) = b.View(m, k, 5, 0);
                var (bm, _) = b.View(k, n, 3, 0);
                var (c, whole) = b.View(m, n, 7, 2);
                return new CaseRun(() => b.Backend.Gemm(a, false, bm, false, c, 1f, 1f), new CaseOutput("C and the rows around it", whole));
            })
        { Splittable = false };
    }
}
