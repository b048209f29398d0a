using DpSynth.Models.Generators;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Nn;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Models.Tests.Generators;

/// <summary>The default preset's pieces: x₀ targets with a step input, the mixed loss, sampling categories from softmax.</summary>
public sealed class TableDiffusionDefaultPresetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-diffusion2-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void VariancePreservingScheduleEndsNearPureNoise()
    {
        var (a, s) = TableDiffusionOptions.Default.ForwardCoefficients();
        Assert.Equal(TableDiffusionOptions.Default.DiffusionSteps, a.Length);
        for (int t = 0; t < a.Length; t++)
        {
            Assert.Equal(1f, a[t] * a[t] + s[t] * s[t], 4);
            if (t > 0) Assert.True(s[t] > s[t - 1]);
        }
        Assert.True(a[^1] < 0.05f);
        var (pa, ps) = TableDiffusionOptions.Paper.ForwardCoefficients();
        Assert.All(pa, v => Assert.Equal(1f, v));
        Assert.Equal((float)Math.Sqrt(0.35), ps[1], 6);
    }

    [Fact]
    public void SpanColumnsTargetTheRowNumericColumnsTheNoiseAndTheStepIsOneHot()
    {
        float[] rows = [1, 2, 3, 4, 5, 6];
        float[] signal = [0.9f, 0.5f], noise = [0.3f, 0.8f];
        bool[] spanColumns = [true, false, true];
        var source = new DiffusionBatchSource(rows, 2, 3, signal, noise, NoiseKey.FromSeed(5), spanColumns, stepInput: true);
        Assert.Equal(5, source.InputWidth);
        Assert.Equal(3, source.TargetWidth);
        var inputs = new float[2 * 2 * 5];
        var targets = new float[2 * 2 * 3];
        source.Fill([1, 0], inputs, targets, step: 2);
        // The noise is the one the noise-target source draws for the same key, step and record.
        var paper = new DiffusionBatchSource(rows, 2, 3, signal, noise, NoiseKey.FromSeed(5), null, stepInput: false);
        var xi = new float[targets.Length];
        paper.Fill([1, 0], new float[targets.Length], xi, step: 2);
        for (int i = 0; i < 2; i++)
            for (int t = 0; t < 2; t++)
            {
                int r = i == 0 ? 1 : 0, row = i * 2 + t;
                for (int j = 0; j < 3; j++)
                {
                    Assert.Equal(signal[t] * rows[r * 3 + j] + noise[t] * xi[row * 3 + j], inputs[row * 5 + j], 5);
                    float expected = spanColumns[j] ? rows[r * 3 + j] : xi[row * 3 + j] - noise[t] * inputs[row * 5 + j];
                    Assert.Equal(expected, targets[row * 3 + j], 5);
                }
                Assert.Equal(t == 0 ? 1f : 0f, inputs[row * 5 + 3]);
                Assert.Equal(t == 1 ? 1f : 0f, inputs[row * 5 + 4]);
            }
    }

    [Fact]
    public void EachRecordTrainsOnDistinctLevelsDrawnAfreshEveryStep()
    {
        float[] rows = [1, 2, 3, 4, 5, 6];
        float[] signal = [0.99f, 0.9f, 0.7f, 0.4f, 0.1f], noise = signal.Select(a => MathF.Sqrt(1 - a * a)).ToArray();
        var source = new DiffusionBatchSource(rows, 2, 3, signal, noise, NoiseKey.FromSeed(5), [true, false, true], stepInput: true, levelsPerRecord: 2);
        Assert.Equal(2, source.RowsPerRecord);
        var seen = new HashSet<int>();
        for (long step = 0; step < 20; step++)
        {
            var inputs = new float[2 * 2 * 8];
            var targets = new float[2 * 2 * 3];
            source.Fill([0, 1], inputs, targets, step);
            for (int i = 0; i < 2; i++)
            {
                var levels = new int[2];
                for (int k = 0; k < 2; k++)
                {
                    var row = inputs.AsSpan((i * 2 + k) * 8, 8);
                    Assert.Equal(1f, row[3..].ToArray().Sum());
                    levels[k] = row[3..].IndexOf(1f);
                    seen.Add(levels[k]);
                    // Span columns target x₀ whatever the level.
                    Assert.Equal(rows[i * 3], targets[(i * 2 + k) * 3]);
                }
                Assert.NotEqual(levels[0], levels[1]);
            }
            var again = new float[inputs.Length];
            source.Fill([0, 1], again, new float[targets.Length], step);
            Assert.Equal(inputs, again);
        }
        Assert.Equal(5, seen.Count); // every level is trained on
        Assert.Throws<ArgumentException>(() => new DiffusionBatchSource(rows, 2, 3, signal, noise, NoiseKey.FromSeed(5), null, false, levelsPerRecord: 6));
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(10, 0)]
    [InlineData(3, 2)]
    [InlineData(7, 7)]
    public void SamplingPathRunsFromTheTopLevelToZeroThroughDistinctLevels(int levels, int steps)
    {
        int[] path = ReverseProcess.SamplingPath(levels, steps);
        Assert.Equal(steps == 0 ? levels : steps, path.Length);
        Assert.Equal(levels - 1, path[0]);
        Assert.Equal(0, path[^1]);
        for (int i = 1; i < path.Length; i++) Assert.True(path[i] < path[i - 1]);
        Assert.Throws<ArgumentException>(() => (TableDiffusionOptions.Default with { SamplingSteps = 11 }).Validate());
    }

    [Fact]
    public void MixedLossIsMseOnNumericColumnsPlusCrossEntropyOnSpans()
    {
        // Columns: 0 numeric, 1..3 a categorical span, 4 numeric.
        var spans = new ColumnSpans([(1, 3)]);
        float[] pred = [0.5f, 1f, -1f, 0.2f, 2f, -0.3f, 0f, 0f, 3f, 1f];
        float[] target = [1f, 0f, 1f, 0f, 1.5f, 0f, 0f, 0f, 1f, 1f];
        var weights = MixedSpanLoss.NumericWeights(5, spans);
        Assert.Equal([5f, 0f, 0f, 0f, 5f], weights);
        using var backend = new SimdBackend();
        var p = Upload(backend, pred, 2, 5);
        var t = Upload(backend, target, 2, 5);
        var w = Upload(backend, weights, 1, 5);
        var d = backend.Allocate(2, 5);
        var rowLoss = backend.Allocate(2, 1);
        float mean = new MixedSpanLoss(w, spans).Evaluate(backend, p, t, d, rowLoss, gradScale: 0.5f);
        var dHost = new float[10];
        var lossHost = new float[2];
        backend.Download(d, dHost);
        backend.Download(rowLoss, lossHost);
        for (int i = 0; i < 2; i++)
        {
            double z = pred.Skip(i * 5 + 1).Take(3).Select(v => Math.Exp(v)).Sum();
            double ce = 0;
            for (int j = 1; j < 4; j++)
            {
                double prob = Math.Exp(pred[i * 5 + j]) / z;
                ce -= target[i * 5 + j] * Math.Log(prob);
                Assert.Equal(0.5 * (prob - target[i * 5 + j]), dHost[i * 5 + j], 4);
            }
            double mse = 0;
            foreach (int j in new[] { 0, 4 })
            {
                double diff = pred[i * 5 + j] - target[i * 5 + j];
                mse += diff * diff;
                Assert.Equal(0.5 * 2 * diff, dHost[i * 5 + j], 4);
            }
            Assert.Equal(mse + ce, lossHost[i], 4);
        }
        Assert.Equal((lossHost[0] + lossHost[1]) / 2, mean, 4);
    }

    [Fact]
    public void CategoriesAreDrawnWithTheirSoftmaxProbabilities()
    {
        var spans = new ColumnSpans([(1, 3)]);
        const int n = 20000;
        float[] logits = [0f, (float)Math.Log(0.6), (float)Math.Log(0.3), (float)Math.Log(0.1)];
        var data = new float[n * 4];
        for (int i = 0; i < n; i++) logits.CopyTo(data, i * 4);
        using (var backend = new SimdBackend())
        {
            var t = backend.Allocate(n, 4);
            backend.Upload(data, t);
            backend.Softmax(t, t, spans);
            backend.Download(t, data);
        }
        Assert.Equal(0.6f, data[1], 5);
        Assert.Equal(0f, data[0]); // numeric column untouched
        var z = new float[n];
        GaussianStream.Fill(NoiseKey.FromSeed(3), 0, z);
        var u = z.Select(v => (float)TableDiffusionSampler.NormalCdf(v)).ToArray();
        TableDiffusionSampler.DrawCategories(data, n, 4, spans, u);
        var counts = new int[3];
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(1f, data[i * 4 + 1] + data[i * 4 + 2] + data[i * 4 + 3]);
            for (int j = 0; j < 3; j++) if (data[i * 4 + 1 + j] == 1f) counts[j]++;
        }
        Assert.Equal(0.6, counts[0] / (double)n, 1);
        Assert.InRange(counts[2] / (double)n, 0.09, 0.11); // argmax would never choose it
        Assert.Equal(0.5, TableDiffusionSampler.NormalCdf(0), 6);
        Assert.Equal(0.975, TableDiffusionSampler.NormalCdf(1.959964), 5);
        Assert.Equal(0.025, TableDiffusionSampler.NormalCdf(-1.959964), 5);
    }

    [Fact]
    public void PosteriorStepWithAPerfectStartEstimateKeepsTheDataVariance()
    {
        // x_t of a known x₀ = ±1 at level t, stepped to t−1 with the true x₀: the result must be
        // distributed like a_{t−1}·x₀ + s_{t−1}·ξ (mean and variance per sign).
        var (a, s) = TableDiffusionOptions.Default.ForwardCoefficients();
        const int n = 40000;
        var xi = new float[n];
        var z = new float[n];
        GaussianStream.Fill(NoiseKey.FromSeed(1), 0, xi);
        GaussianStream.Fill(NoiseKey.FromSeed(2), 0, z);
        var start = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1f : -1f).ToArray();
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = a[2] * start[i] + s[2] * xi[i];
        var estimate = xi.Select((v, i) => v - s[2] * x[i]).ToArray(); // the residual head, exact
        TableDiffusionSampler.StartEstimate(x, estimate, n, 1, [false], a[2], s[2]);
        Assert.Equal(1f, estimate[0], 4);
        Assert.Equal(-1f, estimate[1], 4);
        TableDiffusionSampler.PosteriorStep(x, estimate, z, a[2], a[1]);
        var positive = x.Where((_, i) => i % 2 == 0).Select(v => (double)v).ToArray();
        double mean = positive.Average(), variance = positive.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, a[1] - 0.02, a[1] + 0.02);
        Assert.InRange(variance, s[1] * s[1] - 0.02, s[1] * s[1] + 0.02);

        // A head that predicts nothing keeps the N(0, 1) prior's marginal: x̂₀ = a_t·x_t.
        var zero = new float[2];
        float[] xt = [1.5f, -0.5f];
        TableDiffusionSampler.StartEstimate(xt, zero, 2, 1, [false], a[1], s[1]);
        Assert.Equal(a[1] * 1.5f, zero[0], 4);
        Assert.Equal(a[1] * -0.5f, zero[1], 4);
    }

    [Fact]
    public void OptionsRoundTripAndOldFilesReadAsThePaperProcess()
    {
        var options = TableDiffusionOptions.Default;
        Assert.Equal(options with { Hidden = options.Hidden }, TableDiffusionOptions.FromJson(options.ToJson()) with { Hidden = options.Hidden });
        var old = TableDiffusionOptions.Paper.ToJson();
        foreach (var key in new[] { "schedule", "target", "step_input", "sample_categories" }) old.Remove(key);
        var read = TableDiffusionOptions.FromJson(old);
        Assert.Equal(DiffusionTarget.Noise, read.Target);
        Assert.False(read.StepInput);
        Assert.Throws<ArgumentException>(() => (TableDiffusionOptions.Paper with { StepInput = true }).Validate());
        Assert.Same(TableDiffusionOptions.Paper, TableDiffusionOptions.FromPreset("paper"));
        Assert.Throws<ArgumentException>(() => TableDiffusionOptions.FromPreset("best"));
    }

    [Fact]
    public void DefaultPresetFitsWithinBudgetAndSamplesReproduciblyAcrossShards()
    {
        using var backend = new SimdBackend();
        var model = TinyDiffusionFit.Fit(backend, TableDiffusionOptions.Default with { Epochs = 1, Hidden = [16, 16], ExpectedBatchSize = 512 });
        Assert.InRange(model.Ledger!.TotalEpsilon, 1.9, 2);
        string path = Path.Combine(_dir, "d.dpsynth");
        model.Save(path);
        var loaded = TableDiffusionModel.Load(path);
        Assert.Equal(DiffusionTarget.Start, loaded.Options.Target);
        string whole = Csv(loaded.Sample(new SampleRequest(60, Seed: 9), backend, batchRows: 16));
        Assert.Equal(whole, Csv(model.Sample(new SampleRequest(60, Seed: 9), backend, batchRows: 7)));
        string shard0 = Csv(loaded.Sample(new SampleRequest(60, 9, 0, 2), backend));
        string shard1 = Csv(loaded.Sample(new SampleRequest(60, 9, 1, 2), backend));
        Assert.Equal(whole, shard0 + shard1[(shard1.IndexOf('\n') + 1)..]);
        Assert.Equal(61, whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static Tensor Upload(IComputeBackend backend, float[] data, int rows, int cols)
    {
        var t = backend.Allocate(rows, cols);
        backend.Upload(data, t);
        return t;
    }

    private static string Csv(IEnumerable<Table> batches)
    {
        var writer = new StringWriter();
        bool first = true;
        foreach (var b in batches)
        {
            var part = new StringWriter();
            CsvTableWriter.Write(b, part);
            string text = part.ToString();
            writer.Write(first ? text : text[(text.IndexOf('\n') + 1)..]);
            first = false;
        }
        return writer.ToString();
    }
}
