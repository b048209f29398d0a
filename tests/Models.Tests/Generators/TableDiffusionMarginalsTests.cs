using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.TableDiffusion;
using DpSynth.Models.Nn;
using DpSynth.Models.Simulation;
using DpSynth.Models.Tabular;
using DpSynth.Privacy;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Generators;

/// <summary>The default preset's DP span marginals: their release, the head they start, and the calibration of sampling.</summary>
public sealed class TableDiffusionMarginalsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dpsynth-marginals-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EncodedTable Encoded(int rows, out TableEncoder encoder)
    {
        var sim = new ClinicSimulator(new ClinicSimulatorOptions(Rows: rows, Centres: 4, Seed: 8));
        var table = sim.Generate();
        encoder = TableEncoder.Fit(table, sim.Schema, new EncoderFitOptions { Numeric = NumericTransform.Bins });
        return encoder.Encode(table);
    }

    [Fact]
    public void ReleaseIsOneGaussianStageWithSensitivityRootSpansAndMatchesTheCounts()
    {
        var encoded = Encoded(4000, out var encoder);
        var spans = encoded.SoftmaxSpans;
        var ledger = new PrivacyLedger(new PrivacyBudget(5, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 1));
        double sigma = SpanMarginals.Sigma(2, 1e-5, spans);
        var p = SpanMarginals.Release(encoded, sigma, new SeededRandomSource(1), ledger);

        var stage = Assert.Single(ledger.Stages);
        Assert.Equal(Math.Sqrt(spans.Count), stage.Parameters!["sensitivity"], 9);
        Assert.Equal(sigma, stage.Parameters["sigma"], 9);
        for (int s = 0; s < spans.Count; s++)
        {
            Assert.Equal(1.0, p.AsSpan(spans.Starts[s], spans.Lengths[s]).ToArray().Sum(v => (double)v), 3);
            for (int j = spans.Starts[s]; j < spans.Starts[s] + spans.Lengths[s]; j++)
            {
                double truth = Enumerable.Range(0, encoded.Rows).Sum(r => encoded.Data[r * encoded.Width + j]) / encoded.Rows;
                // σ/N ≈ 0.004 here: 6σ/N bounds the noise (plus the zeroing of counts below σ).
                Assert.InRange(p[j], truth - 6 * sigma / encoded.Rows - 1e-6, truth + 6 * sigma / encoded.Rows + 1e-6);
            }
        }
    }

    [Fact]
    public void HeadStartedFromMarginalsPredictsThemForEveryInput()
    {
        var encoded = Encoded(500, out var encoder);
        int w = encoded.Width;
        var spans = encoded.SoftmaxSpans;
        var marginals = new float[w];
        var rng = new Random(2);
        for (int j = 0; j < w; j++) marginals[j] = (float)rng.NextDouble();
        SpanMarginals.Normalise(marginals, spans);

        using var backend = new SimdBackend();
        var options = TableDiffusionOptions.Default with { Hidden = [8] };
        using var network = new Network(backend, TableDiffusionModel.Denoiser(w, options), 5, seed: 3);
        var flat = new float[network.Parameters.Length];
        network.ReadParameters(flat);
        Parameter weight = network.Parameters.Items[^2], bias = network.Parameters.Items[^1];
        SpanMarginals.InitialiseHead(flat.AsSpan(weight.Offset, weight.Length), flat.AsSpan(bias.Offset, bias.Length), marginals, spans);
        network.WriteParameters(flat);

        var input = backend.Allocate(5, options.InputWidth(w));
        var x = new float[5 * options.InputWidth(w)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
        backend.Upload(x, input);
        var output = new float[5 * w];
        var predicted = network.Predict(input);
        backend.Softmax(predicted, predicted, spans);
        backend.Download(predicted, output);
        for (int r = 0; r < 5; r++)
            for (int s = 0; s < spans.Count; s++)
                for (int j = spans.Starts[s]; j < spans.Starts[s] + spans.Lengths[s]; j++)
                    Assert.Equal(marginals[j], output[r * w + j], 4);
    }

    [Fact]
    public void CalibrationWeightsMatchTheSampledMarginalsToTheReleasedOnes()
    {
        using var backend = new SimdBackend();
        var model = TinyDiffusionFit.Fit(backend, TableDiffusionOptions.Default with { Epochs = 1, Hidden = [16, 16], ExpectedBatchSize = 512 });
        var marginals = model.SpanMarginals!;
        Assert.Contains(model.Ledger!.Stages, s => s.Name == "one-way marginals of the encoded spans");
        var spans = model.Encoder.SoftmaxSpans;
        int w = model.Encoder.Width, n = 2000;
        using var reverse = new ReverseProcess(model, backend, n);
        var key = NoiseKey.FromSeed(11);
        var weights = reverse.CalibrationWeights(key, marginals);
        // On the calibration rows themselves the reweighted means equal the targets.
        var p = reverse.Run(key, 0, n).ToArray();
        ReverseProcess.Reweight(p, n, w, spans, weights);
        for (int s = 0; s < spans.Count; s++)
            for (int j = spans.Starts[s]; j < spans.Starts[s] + spans.Lengths[s]; j++)
            {
                double mean = Enumerable.Range(0, n).Average(i => (double)p[i * w + j]);
                Assert.Equal(marginals[j], mean, 2);
            }
    }

    [Fact]
    public void MarginalsRoundTripThroughTheModelFileAndAWrongLengthIsRefused()
    {
        using var backend = new SimdBackend();
        var model = TinyDiffusionFit.Fit(backend, TableDiffusionOptions.Default with { Epochs = 1, Hidden = [8], ExpectedBatchSize = 256 }, rows: 800);
        string path = Path.Combine(_dir, "m.dpsynth");
        model.Save(path);
        Assert.Equal(model.SpanMarginals, TableDiffusionModel.Load(path).SpanMarginals);
        Assert.Throws<ArgumentException>(() => new TableDiffusionModel(model.Options, model.Encoder, model.Schema, model.Parameters, null) { SpanMarginals = new float[3] });
        var paper = TinyDiffusionFit.Fit(backend, TableDiffusionOptions.Paper with { Epochs = 1, Hidden = [8], ExpectedBatchSize = 256 }, rows: 800);
        Assert.Null(paper.SpanMarginals);
        Assert.DoesNotContain(paper.Ledger!.Stages, s => s.Name == "one-way marginals of the encoded spans");
    }
}
