using DpSynth.Kernels;
using DpSynth.Kernels.Simd;
using DpSynth.Models.Generators.DpWgan;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Calibration;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Tests.Generators.DpWgan;

/// <summary>
/// DP-WGAN's building blocks: the sign of each loss, the critic's Lipschitz bound, what the ledger
/// charges for critic and generator steps, and that a generator step reads no real row.
/// </summary>
public sealed class DpWganTrainingTests
{
    private static readonly DpWganOptions Small = DpWganOptions.Default with
    {
        LatentWidth = 4,
        GeneratorHidden = [16],
        CriticHidden = [16, 8],
        ExpectedBatchSize = 64,
    };

    /// <summary>Rows of two categorical columns (3 and 4 levels) as one-hots; the second depends on the first.</summary>
    internal static EncodedTable Encoded(int rows, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * 7];
        for (int r = 0; r < rows; r++)
        {
            int a = random.Next(3), b = random.NextDouble() < 0.7 ? a : random.Next(4);
            data[r * 7 + a] = 1;
            data[r * 7 + 3 + b] = 1;
        }
        return new EncodedTable(data, rows, 7, new ColumnSpans([(0, 3), (3, 4)]), []);
    }

    private static DpSgdOptions NonPrivate(int batch) => new() { Private = false, ExpectedBatchSize = batch, Steps = 1000, Seed = 5, Workers = 2 };

    private static DpSgdOptions Private(int batch, long steps, double sigma = 1.5) =>
        new() { ExpectedBatchSize = batch, Steps = steps, NoiseMultiplier = sigma, Delta = 1e-5, Seed = 5, Workers = 2 };

    /// <summary>Mean critic score of the given rows.</summary>
    private static double MeanScore(Network critic, Tensor rows)
    {
        var scores = new float[rows.Rows];
        critic.Backend.Download(critic.Predict(rows), scores);
        return scores.Average(s => (double)s);
    }

    private static Tensor Upload(IComputeBackend backend, EncodedTable table)
    {
        var t = backend.Allocate(table.Rows, table.Width);
        backend.Upload(table.Data, t);
        return t;
    }

    [Fact]
    public void CriticStepRaisesTheGapBetweenRealAndGeneratedScores()
    {
        // Maximising E[f(real)] − E[f(fake)]: with q = 1 the step sees every real row and the
        // generated rows of step 0, so a small first-order step must widen exactly this gap.
        using var backend = new SimdBackend();
        var table = Encoded(200, 1);
        using var run = new DpWganTraining(backend, table, Small with { CriticLearningRate = 1e-4f }, NonPrivate(200), null);
        using var real = Upload(backend, table).Storage;
        for (int i = 0; i < 50; i++) run.Critic.Network.PrepareStep(training: true); // converge σ's power iteration first
        var generated = backend.Allocate(run.GeneratedBatch, table.Width);
        backend.Copy(run.CriticStepRows(0), generated);
        double before = MeanScore(run.Critic.Network, real.View(200, 7)) - MeanScore(run.Critic.Network, generated);
        run.RunCriticSteps(1);
        double after = MeanScore(run.Critic.Network, real.View(200, 7)) - MeanScore(run.Critic.Network, generated);
        Assert.True(after > before + 1e-5, $"the critic step should widen E[f(real)] − E[f(fake)]: {before} → {after}");
        generated.Storage.Dispose();
    }

    [Fact]
    public void CriticLossFallsAsARealRowsScoreRisesAndRisesWithAGeneratedRowsScore()
    {
        // Per row the loss is t·f: d/df = t, negative on real rows (the critic raises their score)
        // and positive on generated ones (it lowers theirs); the gradient is scaled like the loss.
        using var backend = new SimdBackend();
        var f = backend.Allocate(2, 1);
        var t = backend.Allocate(2, 1);
        var dF = backend.Allocate(2, 1);
        var rowLoss = backend.Allocate(2, 1);
        backend.Upload([0.7f, -0.4f], f);
        backend.Upload([CriticLoss.RealTarget, 2f], t);
        float mean = new CriticLoss().Evaluate(backend, f, t, dF, rowLoss, 0.5f);
        var loss = new float[2];
        var gradient = new float[2];
        backend.Download(rowLoss, loss);
        backend.Download(dF, gradient);
        Assert.Equal([-0.7f, -0.8f], loss);
        Assert.Equal([-0.5f, 1f], gradient);
        Assert.Equal(-0.75f, mean, 6);
        Assert.True(CriticLoss.RealTarget < 0);
    }

    [Fact]
    public void CriticStepsWidenTheGapOverManySteps()
    {
        // Against a fixed generator the critic's gap E[f(real)] − E[f(fake)] must grow steadily;
        // with a flipped sign on either term it would not.
        using var backend = new SimdBackend();
        var table = Encoded(200, 7);
        using var run = new DpWganTraining(backend, table, Small with { CriticLearningRate = 3e-3f }, NonPrivate(200), null);
        using var real = Upload(backend, table).Storage;
        var generated = backend.Allocate(run.GeneratedBatch, table.Width);
        backend.Copy(run.CriticStepRows(1000), generated);
        double before = MeanScore(run.Critic.Network, real.View(200, 7)) - MeanScore(run.Critic.Network, generated);
        run.RunCriticSteps(30);
        double after = MeanScore(run.Critic.Network, real.View(200, 7)) - MeanScore(run.Critic.Network, generated);
        Assert.True(after > before + 0.05, $"30 critic steps should widen E[f(real)] − E[f(fake)]: {before} → {after}");
        generated.Storage.Dispose();
    }

    [Fact]
    public void GeneratorStepRaisesTheCriticsScoreOfItsRows()
    {
        // Minimising −E[f(G(z))]: the step's own latents must score higher after it.
        using var backend = new SimdBackend();
        using var run = new DpWganTraining(backend, Encoded(200, 2), Small with { GeneratorLearningRate = 1e-4f }, NonPrivate(64), null);
        run.RunCriticSteps(3); // a critic that is not at its initial point
        double before = MeanScore(run.Critic.Network, run.GeneratorStepRows(0));
        run.RunGeneratorStep();
        double after = MeanScore(run.Critic.Network, run.GeneratorStepRows(0));
        Assert.True(after > before + 1e-6, $"the generator step should raise E[f(G(z))]: {before} → {after}");
    }

    [Fact]
    public void CriticHasNoSigmoidAndOnlySpectrallyNormalisedLayers()
    {
        var layers = DpWganNetworks.Critic(7, Small);
        Assert.All(layers, l => Assert.IsType<SpectralNormLinear>(l));
        Assert.All(layers, l => Assert.DoesNotContain("sigmoid", l.Describe()));
        Assert.Equal(1, layers[^1].OutputWidth);
        Assert.Equal("spectral-norm linear 8→1", layers[^1].Describe()); // the score is linear: unbounded
    }

    [Fact]
    public void CriticStaysOneLipschitzAfterPrivateSteps()
    {
        using var backend = new SimdBackend();
        using var run = new DpWganTraining(backend, Encoded(300, 3), Small with { CriticLearningRate = 1e-2f }, Private(64, 60), null);
        for (int round = 0; round < 12; round++)
        {
            run.RunCriticSteps(5);
            run.RunGeneratorStep();
        }
        var critic = run.Critic.Network;
        critic.PrepareStep(training: false); // the σ that inference divides by
        double bound = 1;
        foreach (var layer in critic.Root.Layers.Cast<SpectralNormLinear>())
        {
            var w = new float[layer.Weight.Value.Length];
            backend.Download(layer.Weight.Value, w);
            double ratio = LargestSingularValue(w, layer.Outputs, layer.Inputs) / layer.Sigma;
            // σ̂ = uᵀWv never exceeds σ(W); a few power iterations per step keep it within ~1 % of it
            // even at this large learning rate, so W/σ̂ has spectral norm just above 1.
            Assert.InRange(ratio, 0.999, 1.02);
            bound *= ratio;
        }
        // Empirically too: |f(x) − f(y)| ≤ L·‖x − y‖ for random pairs, with L the product above.
        var random = new Random(4);
        var x = new float[100 * 7];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        using var storage = backend.Allocate(100, 7).Storage;
        backend.Upload(x, storage.View(100, 7));
        var f = new float[100];
        backend.Download(critic.Predict(storage.View(100, 7)), f);
        double worst = 0;
        for (int i = 0; i < 50; i++)
        {
            double d = 0;
            for (int j = 0; j < 7; j++) d += Math.Pow(x[i * 7 + j] - x[(i + 50) * 7 + j], 2);
            worst = Math.Max(worst, Math.Abs(f[i] - f[i + 50]) / Math.Sqrt(d));
        }
        Assert.True(worst <= bound + 1e-4, $"the critic's slope {worst} exceeds its Lipschitz bound {bound}");
    }

    /// <summary>σ_max of a row-major rows × cols matrix by power iteration on WᵀW in double precision.</summary>
    private static double LargestSingularValue(float[] w, int rows, int cols)
    {
        var v = Enumerable.Range(0, cols).Select(i => 1.0 + 0.1 * i).ToArray();
        var u = new double[rows];
        double sigma = 0;
        for (int it = 0; it < 2000; it++)
        {
            for (int r = 0; r < rows; r++) { double s = 0; for (int c = 0; c < cols; c++) s += w[r * cols + c] * v[c]; u[r] = s; }
            Array.Clear(v);
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) v[c] += w[r * cols + c] * u[r];
            double norm = Math.Sqrt(v.Sum(a => a * a));
            for (int c = 0; c < cols; c++) v[c] /= norm;
            sigma = Math.Sqrt(norm);
        }
        return sigma;
    }

    [Fact]
    public void LedgerChargesEveryCriticStepAndNothingForGeneratorSteps()
    {
        using var backend = new SimdBackend();
        var ledger = new PrivacyLedger(new PrivacyBudget(50, 1e-5), new RandomnessRecord(RandomnessKind.UserSeed, 5));
        using var run = new DpWganTraining(backend, Encoded(400, 4), Small, Private(64, 20), ledger);
        Assert.Empty(ledger.Stages); // planning spends nothing
        run.RunGeneratorStep();
        Assert.Empty(ledger.Stages); // a generator step before any critic step: still nothing
        run.RunCriticSteps(5);
        var stage = Assert.Single(ledger.Stages); // spent before the first critic step, for all planned steps
        double charged = ledger.TotalEpsilon;
        for (int i = 0; i < 4; i++) run.RunGeneratorStep();
        Assert.Single(ledger.Stages);
        Assert.Equal(charged, ledger.TotalEpsilon);
        var record = run.Run();
        Assert.Equal(20, run.CriticSteps);
        Assert.Single(ledger.Stages);
        var cost = Assert.IsType<DpSynth.Privacy.SubsampledGaussianCost>(stage.Cost);
        Assert.Equal((1.5, 64.0 / 400, 20L), (cost.NoiseMultiplier, cost.SampleRate, cost.Steps));
        double accountant = NoiseCalibrator.Epsilon(AccountantKind.Pld, 64.0 / 400, 1.5, 20, 1e-5);
        Assert.Equal(accountant, ledger.TotalEpsilon, 9);
        Assert.Equal(accountant, record.Epsilon, 9);
    }

    [Fact]
    public void GumbelHeadDrawsNearlyOneHotRowsWithTheSoftmaxFrequencies()
    {
        // With equal logits every category of a span is drawn equally often; at τ = 0.2 a row's
        // largest entry is close to 1. Columns outside the spans pass through.
        using var backend = new SimdBackend();
        var spans = new ColumnSpans([(0, 3), (4, 2)]);
        using var net = new Network(backend, [new SpanSoftmax(6, spans, DpSynth.Kernels.Random.NoiseKey.FromSeed(8), 0.2f)], 3000);
        var x = new float[3000 * 6];
        for (int r = 0; r < 3000; r++) x[r * 6 + 3] = 0.25f;
        using var input = backend.Allocate(3000, 6).Storage;
        backend.Upload(x, input.View(3000, 6));
        var y = new float[x.Length];
        backend.Download(net.Forward(input.View(3000, 6), new BatchPass(0, 3000, 1, 0, training: true, GradientMode.Direct, null, randomTag: 1)), y);
        var wins = new int[3];
        double peak = 0;
        for (int r = 0; r < 3000; r++)
        {
            var row = y.AsSpan(r * 6, 6);
            int best = row[..3].IndexOf(MathF.Max(row[0], MathF.Max(row[1], row[2])));
            wins[best]++;
            peak += row[best];
            Assert.Equal(0.25f, row[3]);
            Assert.Equal(1f, row[4] + row[5], 5);
        }
        Assert.All(wins, w => Assert.InRange(w, 900, 1100));
        Assert.True(peak / 3000 > 0.85, $"Gumbel-softmax rows at τ = 0.2 should be nearly one-hot, mean peak {peak / 3000}");
    }

    [Fact]
    public void GeneratorStepReadsNoRealRow()
    {
        // Two runs with the same seed on different private tables, before any critic step: their
        // critics and generators start equal, and a generator step must leave them equal.
        using var backend = new SimdBackend();
        using var a = new DpWganTraining(backend, Encoded(300, 5), Small, Private(64, 10), null);
        using var b = new DpWganTraining(backend, Encoded(300, 6), Small, Private(64, 10), null);
        Assert.Equal(a.GeneratorParameters(), b.GeneratorParameters());
        for (int i = 0; i < 3; i++) { a.RunGeneratorStep(); b.RunGeneratorStep(); }
        Assert.Equal(a.GeneratorParameters(), b.GeneratorParameters());
        // …whereas a critic step does read them.
        a.RunCriticSteps(1);
        b.RunCriticSteps(1);
        a.RunGeneratorStep();
        b.RunGeneratorStep();
        Assert.NotEqual(a.GeneratorParameters(), b.GeneratorParameters());
    }
}
