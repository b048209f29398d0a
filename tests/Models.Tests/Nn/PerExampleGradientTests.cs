using DpSynth.Kernels;
using DpSynth.Kernels.Reference;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Nn;
using DpSynth.Models.Training;

namespace DpSynth.Models.Tests.Nn;

/// <summary>
/// Ghost norms, ghost-clipped sums and materialised clipped sums against the definition: a loop of
/// batch-size-1 microbatches, each giving one example's gradient, then norms, clipping and the sum
/// on the host in double. Every layer type, one and three rows per example, two workers.
/// </summary>
public class PerExampleGradientTests
{
    private const int Examples = 9;

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var name in TestNetworks.All.Keys)
            foreach (int g in new[] { 1, 3 })
                foreach (var backend in new[] { "reference", "simd" })
                    data.Add(name, g, backend);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClippedSumsMatchMicrobatches(string name, int groupSize, string backendName)
    {
        using IComputeBackend backend = backendName == "simd" ? new SimdBackend() : new ReferenceBackend();
        int rows = Examples * groupSize;
        using var net = new Network(backend, TestNetworks.All[name](), rows, workers: 2, seed: 21);
        using var step = new TrainingStep(net, new MeanSquaredError(), groupSize, materializedChunk: 4) { ParallelMinFlops = 0 };
        backend.Upload(TestNetworks.Inputs(name, rows, seed: 22), step.Inputs);
        backend.Upload(TestNetworks.Uniform(rows * TestNetworks.OutputWidth, 23), step.Targets);
        step.PrepareStep(); // one power-iteration step; u, v then stay fixed for every computation below
        const long tag = 77;

        var perExample = Microbatches(backend, net, step, groupSize, tag);
        var norms = perExample.Select(g => g.Sum(v => v * v)).ToArray();
        double clip = Math.Sqrt(norms.OrderBy(v => v).ElementAt(Examples / 2)); // about half the examples get clipped
        var expected = new double[perExample[0].Length];
        for (int i = 0; i < Examples; i++)
        {
            double f = Math.Min(1, clip / Math.Sqrt(norms[i]));
            for (int j = 0; j < expected.Length; j++) expected[j] += f * perExample[i][j];
        }

        foreach (var mode in new[] { GradientMode.Ghost, GradientMode.Materialized })
        {
            step.ClearGradients();
            step.Accumulate(Examples, mode, (float)clip, tag);
            var actualNorms = TestNetworks.Download(step.SquaredNorms.SliceRows(0, Examples));
            for (int i = 0; i < Examples; i++)
                Assert.True(Math.Abs(actualNorms[i] - norms[i]) <= 1e-4 * norms[i] + 1e-9,
                    $"{name} G={groupSize} {backendName} {mode}: example {i} squared norm {actualNorms[i]:G7}, microbatch {norms[i]:G7}");
            AssertVectorClose(expected, SumOfWorkers(net), $"{name} G={groupSize} {backendName} {mode}: clipped sum");
        }
    }

    [Fact]
    public void InfiniteClipNormGivesThePlainGradient()
    {
        using var backend = new SimdBackend();
        using var net = new Network(backend, TestNetworks.All["layernorm"](), 8, workers: 2, seed: 4);
        using var step = new TrainingStep(net, new MeanSquaredError()) { ParallelMinFlops = 0 };
        backend.Upload(TestNetworks.Inputs("layernorm", 8, 1), step.Inputs);
        backend.Upload(TestNetworks.Uniform(8 * 3, 2), step.Targets);
        step.PrepareStep();
        step.Accumulate(8, GradientMode.Direct, float.PositiveInfinity, 0);
        var plain = SumOfWorkers(net);
        step.ClearGradients();
        step.Accumulate(8, GradientMode.Ghost, float.PositiveInfinity, 0);
        AssertVectorClose(plain.Select(v => (double)v).ToArray(), SumOfWorkers(net), "ghost with C = ∞");
    }

    /// <summary>Each example's gradient from a pass over its rows alone (Direct mode, same rows and dropout tag).</summary>
    private static List<float[]> Microbatches(IComputeBackend backend, Network net, TrainingStep step, int g, long tag)
    {
        var result = new List<float[]>();
        using var storage = new TensorSet(backend);
        var dPred = storage.Allocate(net.MaxRows, net.OutputWidth);
        var rowLoss = storage.Allocate(net.MaxRows, 1);
        var loss = new MeanSquaredError();
        for (int i = 0; i < Examples; i++)
        {
            var gradient = net.WorkerGradient(0);
            backend.Fill(gradient, 0f);
            var pass = new BatchPass(i * g, g, g, 0, training: true, GradientMode.Direct, gradient, tag);
            var prediction = net.Forward(pass.Slice(step.Inputs), pass);
            loss.Evaluate(backend, prediction, pass.Slice(step.Targets), pass.Slice(dPred), pass.Slice(rowLoss), 1f / g);
            net.Backward(pass.Slice(dPred), pass);
            net.AccumulateGradients(pass, null);
            result.Add(TestNetworks.Download(gradient));
        }
        backend.Fill(net.WorkerGradient(0), 0f);
        return result;
    }

    internal static float[] SumOfWorkers(Network net)
    {
        var total = new float[net.Parameters.Length];
        for (int w = 0; w < net.Workers; w++)
        {
            var part = TestNetworks.Download(net.WorkerGradient(w));
            for (int j = 0; j < total.Length; j++) total[j] += part[j];
        }
        return total;
    }

    internal static void AssertVectorClose(double[] expected, float[] actual, string what)
    {
        double diff = 0, scale = 0;
        for (int j = 0; j < expected.Length; j++)
        {
            diff += (expected[j] - actual[j]) * (expected[j] - actual[j]);
            scale += expected[j] * expected[j];
        }
        Assert.True(Math.Sqrt(diff) <= 1e-4 * Math.Sqrt(scale) + 1e-7, $"{what}: ‖difference‖ = {Math.Sqrt(diff):G4}, ‖expected‖ = {Math.Sqrt(scale):G4}");
    }

    /// <summary>Frees test tensors.</summary>
    private sealed class TensorSet(IComputeBackend backend) : IDisposable
    {
        private readonly List<Tensor> _tensors = [];

        public Tensor Allocate(int rows, int cols)
        {
            var t = backend.Allocate(rows, cols);
            _tensors.Add(t);
            return t;
        }

        public void Dispose()
        {
            foreach (var t in _tensors) t.Storage.Dispose();
        }
    }
}
