using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Nn;
using DpSynth.Models.Tabular;
using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;

namespace DpSynth.Models.Generators.DpWgan;

/// <summary>
/// One DP-WGAN training run, in building blocks: private critic steps (DP-SGD on real rows, one
/// ledger stage for all of them, spent before the first) and free generator steps (through the
/// critic only), which <see cref="Run"/> alternates n_critic : 1.
/// </summary>
/// <remarks>
/// Privacy: a critic step's gradient is the clipped, noised sum over its Poisson batch of real rows
/// — the subsampled Gaussian mechanism the ledger charges — plus the critic's gradient on generated
/// rows, a function of the current weights and public latent noise only (post-processing, added
/// unnoised; clipped per row like the real rows so both terms have the same scale). A generator step
/// reads the critic's weights and public latents, never a real row: it costs nothing and adds no stage.
/// </remarks>
public sealed class DpWganTraining : IDisposable
{
    /// <summary>Stream id of the latents of the generated rows in critic steps.</summary>
    public const ulong CriticLatentStream = 0x5747414E43524954UL; // "WGANCRIT"

    /// <summary>Stream id of the latents of generator steps.</summary>
    public const ulong GeneratorLatentStream = 0x5747414E47454E52UL; // "WGANGENR"

    /// <summary>Stream id of the Gumbel noise of the generator's training head (tag 2s: critic step s; 2g + 1: generator step g).</summary>
    public const ulong GumbelStream = 0x5747414E47554D42UL; // "WGANGUMB"

    private readonly DpWganOptions _options;
    private readonly GeneratorRunner _generator;
    private readonly Optimizer _generatorOptimizer;
    private readonly NoiseKey _criticLatents, _generatorLatents;
    private readonly Tensor _scoreGradient;
    private readonly GeneratedRowsTerm _generatedRows;
    private readonly double _flopsPerRow;

    /// <summary>Builds both networks and the critic's DP-SGD plan (σ calibrated, stage not yet spent). Reads no private value.</summary>
    /// <param name="backend">Backend of both networks.</param>
    /// <param name="encoded">The encoded private rows.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="critic">The critic's DP-SGD settings (q or batch, steps, σ or target ε, δ, seed).</param>
    /// <param name="ledger">The ledger the critic's stage is spent on; optional.</param>
    public DpWganTraining(IComputeBackend backend, EncodedTable encoded, DpWganOptions options, DpSgdOptions critic, PrivacyLedger? ledger)
        : this(backend, encoded, options, critic, ledger, Audit.AuditFaults.None) { }

    /// <summary>The training with an audit's positive-control <paramref name="faults"/> in the critic's trainer.</summary>
    internal DpWganTraining(IComputeBackend backend, EncodedTable encoded, DpWganOptions options, DpSgdOptions critic, PrivacyLedger? ledger,
        Audit.AuditFaults faults)
    {
        options.Validate();
        _options = options;
        var realTargets = new float[encoded.Rows];
        Array.Fill(realTargets, CriticLoss.RealTarget);
        var data = new ArrayBatchSource(encoded.Data, encoded.Width, realTargets, 1);
        Critic = new DpSgdTrainer(backend, DpWganNetworks.Critic(encoded.Width, options), data, new CriticLoss(),
            new AdamOptimizer(new AdamParameters(LearningRate: options.CriticLearningRate, Beta1: options.Beta1, Beta2: options.Beta2)), critic, ledger) { Faults = faults };
        // Generated batches have the public expected batch size (capped by the step's buffers, which
        // only bind when the whole table is smaller than a batch), not q·N: nothing here reads N.
        GeneratedBatch = Math.Min(options.ExpectedBatchSize, Critic.Network.MaxRows);
        _criticLatents = critic.Seed is ulong s ? NoiseKey.FromSeed(s, CriticLatentStream) : NoiseKey.CreateSecure(CriticLatentStream);
        _generatorLatents = _criticLatents.WithStream(GeneratorLatentStream);
        _generator = new GeneratorRunner(backend, DpWganNetworks.Generator(encoded.Width, encoded.SoftmaxSpans, options, _criticLatents.WithStream(GumbelStream)),
            GeneratedBatch, Critic.Network.Workers, Critic.Plan.InitSeed ^ 0x47454E52);
        _generatorOptimizer = new AdamOptimizer(new AdamParameters(LearningRate: options.GeneratorLearningRate, Beta1: options.Beta1, Beta2: options.Beta2));
        _generatorOptimizer.Bind(_generator.Network.Parameters);
        // The generator minimises −E[f(G(z))]: each row's score gradient is −1/m.
        _scoreGradient = backend.Allocate(GeneratedBatch, 1);
        backend.Fill(_scoreGradient, -1f / GeneratedBatch);
        _generatedRows = new GeneratedRowsTerm(this);
        _flopsPerRow = 6.0 * (_generator.Network.Parameters.Count + Critic.Network.Parameters.Count);
    }

    /// <summary>The critic's DP-SGD trainer (its plan holds q, steps, σ and the ledger stage).</summary>
    public DpSgdTrainer Critic { get; }

    /// <summary>The generator.</summary>
    public Network Generator => _generator.Network;

    /// <summary>Generated rows per critic step and per generator step (the expected real batch).</summary>
    public int GeneratedBatch { get; }

    /// <summary>Critic steps run so far.</summary>
    public long CriticSteps => Critic.Step;

    /// <summary>Generator steps run so far.</summary>
    public long GeneratorSteps { get; private set; }

    /// <summary>
    /// Alternates <see cref="DpWganOptions.CriticStepsPerGeneratorStep"/> critic steps with one
    /// generator step until every planned critic step has run (the last round may be shorter), and
    /// returns the critic's privacy record.
    /// </summary>
    public TrainingRecord Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        while (Critic.Step < Critic.TotalSteps)
        {
            RunCriticSteps(_options.CriticStepsPerGeneratorStep, progress, cancellation);
            RunGeneratorStep();
        }
        return Critic.Record();
    }

    /// <summary>Runs up to <paramref name="count"/> private critic steps (the first one spends the stage).</summary>
    public void RunCriticSteps(int count, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default) =>
        Critic.Train(progress, cancellation, Critic.Step + count, _generatedRows);

    /// <summary>One generator step: minimise −E[f(G(z))] over a fresh latent batch, through the critic only.</summary>
    public void RunGeneratorStep()
    {
        var critic = Critic.Network;
        var generator = _generator.Network;
        var backend = generator.Backend;
        int m = GeneratedBatch;
        var latent = _generator.LoadLatents(_generatorLatents, (ulong)GeneratorSteps * (ulong)m, m);
        critic.PrepareStep(training: false); // σ of the critic's current weights; u and v stay as the private steps left them
        generator.PrepareStep(training: true);
        RowPartition.For(m, _flopsPerRow, GeneratorRunner.ParallelMinFlops, (worker, start, count) =>
        {
            var g = new BatchPass(start, count, 1, worker, training: true, GradientMode.Direct, generator.WorkerGradient(worker), 2 * GeneratorSteps + 1);
            var rows = generator.Forward(g.Slice(latent), g);
            var c = new BatchPass(start, count, 1, worker, training: false, GradientMode.Direct, null);
            critic.Forward(rows, c);
            var dRows = critic.BackwardToInput(c.Slice(_scoreGradient), c);
            generator.Backward(dRows, g);
            generator.AccumulateGradients(g, null);
        }, generator.Workers);
        var total = generator.WorkerGradient(0);
        for (int w = 1; w < generator.Workers; w++)
        {
            backend.Axpy(1f, generator.WorkerGradient(w), total);
            backend.Fill(generator.WorkerGradient(w), 0f);
        }
        _generatorOptimizer.Apply(generator.Parameters.Values, total, 0, generator.Parameters.Length);
        _generatorOptimizer.Steps++;
        backend.Fill(total, 0f);
        GeneratorSteps++;
    }

    /// <summary>The rows the critic compares with real ones in critic step <paramref name="step"/> (as the current generator makes them; a view valid until the next call).</summary>
    public Tensor CriticStepRows(long step) => _generator.Generate(_criticLatents, (ulong)step * (ulong)GeneratedBatch, GeneratedBatch, 2 * step);

    /// <summary>The rows of generator step <paramref name="step"/> (as the current generator makes them; a view valid until the next call).</summary>
    public Tensor GeneratorStepRows(long step) => _generator.Generate(_generatorLatents, (ulong)step * (ulong)GeneratedBatch, GeneratedBatch, 2 * step + 1);

    /// <summary>Copies the generator's flat parameter vector to the host.</summary>
    public float[] GeneratorParameters()
    {
        var p = new float[Generator.Parameters.Length];
        Generator.ReadParameters(p);
        return p;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _scoreGradient.Storage.Dispose();
        _generatorOptimizer.Dispose();
        _generator.Dispose();
        Critic.Dispose();
    }

    /// <summary>
    /// The critic's loss on generated rows, +E[f(G(z))]: weight q·N/m per row so that the trainer's
    /// division by q·N leaves the mean, each row's gradient clipped to C like a real row's.
    /// </summary>
    private sealed class GeneratedRowsTerm(DpWganTraining run) : IPublicGradientTerm
    {
        public void Accumulate(TrainingStep step, long stepIndex, DpSgdPlan plan)
        {
            int m = run.GeneratedBatch;
            var backend = step.Network.Backend;
            backend.Copy(run.CriticStepRows(stepIndex), step.Inputs.SliceRows(0, m));
            float weight = (float)(plan.SampleRate * plan.Records / m);
            backend.Fill(step.Targets.SliceRows(0, m), weight);
            var mode = plan.Options.Private ? plan.Options.PrivateMode : GradientMode.Direct;
            // Clipping w·∇f at w·C is w·clip_C(∇f); +∞ (non-private runs) does not clip.
            step.Accumulate(m, mode, (float)(plan.ClipNorm * weight), stepIndex * 1024 + 1023);
        }
    }
}
