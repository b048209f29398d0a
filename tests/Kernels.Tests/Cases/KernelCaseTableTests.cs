using DpSynth.Kernels.Cases;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Tests.Conformance;

namespace DpSynth.Kernels.Tests.Cases;

/// <summary>The case table itself: it covers the whole op set, at every tier, and its rows are well formed.</summary>
public sealed class KernelCaseTableTests
{
    // Memory management, synchronisation and the backend's properties are exercised by every row rather than by rows of their own.
    private static readonly string[] Plumbing = ["Allocate", "Upload", "Download", "Synchronize", "Dispose", "get_Name", "get_MaxConcurrentCallers"];

    [Fact]
    public void Every_op_of_the_backend_interface_has_rows_at_every_tier()
    {
        var ops = typeof(IComputeBackend).GetMethods().Select(m => m.Name).Except(Plumbing).Distinct().ToList();
        Assert.True(ops.Count >= 26, $"only {ops.Count} ops found");
        foreach (string op in ops)
        {
            var rows = KernelCaseTable.All.Where(r => r.Op == op).ToList();
            Assert.True(rows.Count > 0, $"{op} has no rows in the case table");
            Assert.True(rows.Any(r => r.Tier == CaseTier.Tiny), $"{op} has no tiny rows, so the ILGPU simulator never runs it");
            Assert.True(rows.Any(r => r.Tier is CaseTier.Network or CaseTier.NetworkLarge), $"{op} has no row for the reference network");
        }
    }

    [Fact]
    public void Rows_have_unique_names_and_positive_work()
    {
        var rows = KernelCaseTable.All;
        Assert.Equal(rows.Count, rows.Select(r => r.Name).Distinct().Count());
        foreach (var row in rows)
        {
            var work = row.FullWork;
            Assert.True(work.Flops >= 0 && work.Bytes >= 0 && row.Batch >= 0, $"{row.Name}: negative work or batch");
            // Only no-op rows (an empty output or column range) may move nothing; the network's rows all work.
            Assert.True(work.Bytes > 0 || row.Tier < CaseTier.Network, $"{row.Name}: moves no bytes");
        }
    }

    [Fact]
    public void A_split_row_does_the_same_work_in_its_parts()
    {
        // The benchmarks time T instances at Batch/T as a T-core run: the FLOPs must add up, and the bytes
        // may only grow (each core reads shared operands such as a weight matrix or a bias itself).
        foreach (var row in KernelCaseTable.All.Where(r => r.Splittable && r.Tier >= CaseTier.Network))
        {
            int half = row.Batch / 2;
            var (parts, whole) = (row.Work(half) + row.Work(row.Batch - half), row.FullWork);
            Assert.True(Math.Abs(parts.Flops - whole.Flops) <= 1e-9 * whole.Flops, $"{row.Name}: FLOPs of the halves differ");
            Assert.True(parts.Bytes >= whole.Bytes * (1 - 1e-12) && parts.Bytes <= whole.Bytes * 1.25, $"{row.Name}: bytes of the halves are {parts.Bytes}, whole {whole.Bytes}");
        }
    }

    [Fact]
    public void Targets_limited_to_named_rows_name_existing_rows()
    {
        foreach (var target in ConformanceTargets.All.Values.Where(t => t.Only is not null))
            foreach (string name in target.Only!)
                Assert.True(KernelCaseTable.All.Any(r => r.Name == name && r.Tier <= target.Tier), $"{target.Name} names '{name}', which is not a row of its tiers");
    }

    [Fact]
    public void The_far_tail_noise_row_still_needs_the_extension_block()
    {
        Span<uint> words = stackalloc uint[16];
        ChaCha20.KeystreamBlock(NoiseCases.Key, NoiseCases.TailBlock, words);
        Assert.True(words[0] < 256, "the chosen block no longer exercises the tail radius");
        Assert.Contains(KernelCaseTable.All, r => r.Op == "AddGaussianNoise" && r.Parameters.Contains("far-tail") && r.Tier == CaseTier.Tiny);
    }

    [Fact]
    public void A_wrong_result_fails_the_check()
    {
        // The check must be able to fail: a backend whose AddBias adds twice is caught, with the element named.
        using var reference = new ReferenceBackend();
        using var broken = new DoubleAddBias();
        var result = ConformanceCheck.Run(KernelCaseTable.Find("AddBias 7x33"), broken, reference);
        Assert.False(result.Passed);
        Assert.Contains("x[", result.Failure);
        Assert.True(ConformanceCheck.Run(KernelCaseTable.Find("Axpy 7x33 alpha=-0.75"), broken, reference).Passed);
    }

    /// <summary>The reference backend with one op broken.</summary>
    private sealed class DoubleAddBias : IComputeBackend
    {
        private readonly ReferenceBackend _inner = new();
        public string Name => "broken";
        public Tensor Allocate(int rows, int cols) => _inner.Allocate(rows, cols);
        public void Upload(ReadOnlySpan<float> src, Tensor dst) => _inner.Upload(src, dst);
        public void Download(Tensor src, Span<float> dst) => _inner.Download(src, dst);
        public void Copy(Tensor src, Tensor dst) => _inner.Copy(src, dst);
        public void Fill(Tensor x, float value) => _inner.Fill(x, value);
        public void Synchronize() { }
        public void Gemm(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, float alpha = 1, float beta = 0, GemmEpilogue epilogue = default) => _inner.Gemm(a, transposeA, b, transposeB, c, alpha, beta, epilogue);
        public void AddBias(Tensor x, Tensor bias) { _inner.AddBias(x, bias); _inner.AddBias(x, bias); }
        public void BiasGradient(Tensor dy, Tensor dbias, float beta = 0) => _inner.BiasGradient(dy, dbias, beta);
        public void Axpy(float alpha, Tensor x, Tensor y) => _inner.Axpy(alpha, x, y);
        public void Scale(Tensor x, float alpha) => _inner.Scale(x, alpha);
        public void Multiply(Tensor x, Tensor y, Tensor z) => _inner.Multiply(x, y, z);
        public void CopyColumns(Tensor src, int srcColumn, Tensor dst, int dstColumn, int count) => _inner.CopyColumns(src, srcColumn, dst, dstColumn, count);
        public void ActivationForward(Activation f, Tensor x, Tensor y, float parameter = 0.01f) => _inner.ActivationForward(f, x, y, parameter);
        public void ActivationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx, float parameter = 0.01f) => _inner.ActivationBackward(f, x, y, dy, dx, parameter);
        public void Softmax(Tensor x, Tensor y, ColumnSpans spans, bool log = false) => _inner.Softmax(x, y, spans, log);
        public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, ColumnSpans spans, bool log = false) => _inner.SoftmaxBackward(y, dy, dx, spans, log);
        public float MseLoss(Tensor prediction, Tensor target, Tensor dPrediction, Tensor? rowLoss = null, Tensor? columnWeights = null, float gradScale = 1) => _inner.MseLoss(prediction, target, dPrediction, rowLoss, columnWeights, gradScale);
        public float CrossEntropyLoss(Tensor logits, Tensor target, ColumnSpans spans, Tensor dLogits, Tensor? rowLoss = null, float gradScale = 1) => _inner.CrossEntropyLoss(logits, target, spans, dLogits, rowLoss, gradScale);
        public void LayerNormForward(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd, float eps = 1e-5f) => _inner.LayerNormForward(x, gamma, beta, y, mean, rstd, eps);
        public void LayerNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx, Tensor dgamma, Tensor dbeta, float accumulate = 0) => _inner.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, accumulate);
        public void RowSquaredNorms(Tensor x, Tensor norms, bool accumulate = false) => _inner.RowSquaredNorms(x, norms, accumulate);
        public void GroupedSumSquaredNorms(Tensor x, int groupSize, Tensor norms, bool accumulate = false) => _inner.GroupedSumSquaredNorms(x, groupSize, norms, accumulate);
        public void LinearPerExampleSquaredNorms(Tensor a, Tensor delta, int groupSize, bool includeBias, Tensor norms, bool accumulate = false) => _inner.LinearPerExampleSquaredNorms(a, delta, groupSize, includeBias, norms, accumulate);
        public void ClipFactors(Tensor squaredNorms, float clipNorm, Tensor factors) => _inner.ClipFactors(squaredNorms, clipNorm, factors);
        public void ScaleRows(Tensor x, Tensor factors, int groupSize = 1) => _inner.ScaleRows(x, factors, groupSize);
        public void SgdStep(Tensor parameters, Tensor gradient, Tensor velocity, float learningRate, float momentum = 0, float weightDecay = 0) => _inner.SgdStep(parameters, gradient, velocity, learningRate, momentum, weightDecay);
        public void AdamStep(Tensor parameters, Tensor gradient, Tensor m, Tensor v, AdamParameters hyper, int step) => _inner.AdamStep(parameters, gradient, m, v, hyper, step);
        public void AddGaussianNoise(Tensor x, float sigma, NoiseKey key, ulong offset) => _inner.AddGaussianNoise(x, sigma, key, offset);
        public float PowerIteration(Tensor w, Tensor u, Tensor v, int iterations = 1) => _inner.PowerIteration(w, u, v, iterations);
        public void Dispose() => _inner.Dispose();
    }
}
