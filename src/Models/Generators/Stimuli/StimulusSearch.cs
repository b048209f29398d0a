using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Generators.Dpvi;
using DpSynth.Models.Nn;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// The acceptance loop of Nikolaidis et al. (2021), with many generators in flight. Each lane draws a
/// class c uniformly, a threshold T ~ U[low, high] and a fixed z ~ N(0, I), then takes Adam steps on its
/// generator's weights minimising CE(c, h_T(G(z))) (+ λ·KL(h_ID(G(z)) ‖ uniform) when identity
/// inhibition is on), the teacher h_T frozen. When softmax_c(h_T(G(z))) exceeds T the stimulus G(z)
/// is accepted with the teacher's full softmax as its soft label and the lane keeps its generator for
/// the next stimulus (fine-tuning goes on); with inhibition the ID classifier's largest posterior must also
/// be within <see cref="StimulusSearchOptions.IdentityAcceptance"/> × chance. A lane that uses up its steps re-initialises its generator.
/// </summary>
/// <remarks>
/// The identity term is DpSynth's (the paper's exact term is not published): KL(q ‖ u) = Σ_j q_j log q_j
/// + log S is zero exactly when the ID classifier cannot tell the subjects apart; its gradient w.r.t.
/// the ID logits a is q_i (log q_i − Σ_j q_j log q_j). Everything here is post-processing of the
/// trained teacher and ID classifier: no private record is read.
/// </remarks>
public static class StimulusSearch
{
    /// <summary>Searches until <see cref="StimulusSearchOptions.Count"/> stimuli are accepted (or the failure limit is hit).</summary>
    /// <param name="backend">Backend for the generators and both classifiers.</param>
    /// <param name="teacher">The frozen teacher.</param>
    /// <param name="identity">The participant-ID classifier (needed when inhibition is on).</param>
    /// <param name="limit">Bound of the generators' outputs (the scaling's clamp limit).</param>
    /// <param name="options">Settings.</param>
    /// <param name="progress">Progress, about every 5 % of the count.</param>
    /// <param name="cancellation">Stops the search between rounds.</param>
    public static (StimulusSet Stimuli, StimulusSearchSummary Summary) Run(IComputeBackend backend, Classifier teacher, Classifier? identity,
        float limit, StimulusSearchOptions options, IProgress<StimulusProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        bool inhibit = options.InhibitIdentity > 0;
        if (inhibit && identity is null) throw new ArgumentException("identity inhibition needs the participant-ID classifier");
        if (identity is not null && identity.Inputs != teacher.Inputs) throw new ArgumentException("the teacher and the ID classifier read windows of different widths");
        var clock = Stopwatch.StartNew();
        int lanes = Math.Min(options.Lanes, Math.Max(8, options.Count));
        int width = teacher.Inputs, classes = teacher.Classes;
        var key = options.Seed is ulong seed ? NoiseKey.FromSeed(seed) : NoiseKey.CreateSecure();
        var draws = new ChaChaUniforms(key.WithStream(NoiseStreams.StimulusDraws));
        var weights = new ChaChaUniforms(key.WithStream(NoiseStreams.StimulusGeneratorInit));

        var (centre, spread) = OutputMap(options, width, limit);
        using var generators = new GeneratorLanes(backend, lanes, options.Latent, options.Hidden, centre, spread, options.LearningRate,
            backend is Kernels.Simd.SimdBackend ? options.Workers : 1) { OutputInitScale = options.OutputInitScale };
        using var teacherNet = teacher.CreateNetwork(backend, lanes);
        using var identityNet = inhibit ? identity!.CreateNetwork(backend, lanes) : null;
        int subjects = identity?.Classes ?? 0;
        using var dTeacher = backend.Allocate(lanes, classes).Storage;
        using var dIdentity = backend.Allocate(lanes, Math.Max(1, subjects)).Storage;

        var target = new int[lanes];
        var threshold = new float[lanes];
        var stepsUsed = new int[lanes];
        var update = new bool[lanes];
        void NewTask(int l)
        {
            target[l] = Math.Min(classes - 1, (int)(draws.Next() * classes * 0.9999999999));
            threshold[l] = (float)(options.ThresholdLow + (options.ThresholdHigh - options.ThresholdLow) * (1 - draws.Next()));
            stepsUsed[l] = 0;
            generators.DrawLatent(l, draws);
        }
        for (int l = 0; l < lanes; l++)
        {
            generators.Reinitialise(l, weights);
            NewTask(l);
        }

        int count = options.Count;
        var values = new float[count * width];
        var soft = new float[count * classes];
        var targets = new int[count];
        var thresholds = new float[count];
        var logits = new float[lanes * classes];
        var idLogits = new float[lanes * Math.Max(1, subjects)];
        var gradient = new float[lanes * classes];
        var idGradient = new float[lanes * Math.Max(1, subjects)];
        var rows = new float[lanes * width];
        int accepted = 0;
        long rounds = 0, steps = 0, reinitialisations = 0, maxFailures = (long)options.MaxFailuresPerStimulus * count;
        int reportEvery = Math.Max(1, count / 20), nextReport = reportEvery;
        var pass = new BatchPass(0, lanes, 1, 0, training: false, GradientMode.Direct, null);
        bool completed = true;
        double identityBound = options.IdentityAcceptance / Math.Max(1, subjects);
        bool IdentityAccepted(ReadOnlySpan<float> q) => options.ExciteIdentity ? MaxOf(q) >= identityBound : MaxOf(q) <= identityBound;
        double identityWeight = options.ExciteIdentity ? -options.InhibitIdentity : options.InhibitIdentity;

        while (accepted < count)
        {
            if (cancellation.IsCancellationRequested || reinitialisations > maxFailures) { completed = false; break; }
            rounds++;
            generators.Forward();
            backend.Download(teacherNet.Forward(generators.Output, pass), logits);
            Classifier.SoftmaxRows(logits, classes); // now probabilities
            if (inhibit)
            {
                backend.Download(identityNet!.Forward(generators.Output, pass), idLogits);
                Classifier.SoftmaxRows(idLogits, subjects);
            }
            bool anyAccepted = false;
            for (int l = 0; l < lanes; l++)
            {
                var p = logits.AsSpan(l * classes, classes);
                update[l] = false;
                if (p[target[l]] > threshold[l] && accepted < count && (!inhibit || IdentityAccepted(idLogits.AsSpan(l * subjects, subjects))))
                {
                    if (!anyAccepted) backend.Download(generators.Output, rows);
                    anyAccepted = true;
                    rows.AsSpan(l * width, width).CopyTo(values.AsSpan(accepted * width, width));
                    p.CopyTo(soft.AsSpan(accepted * classes, classes));
                    targets[accepted] = target[l];
                    thresholds[accepted] = threshold[l];
                    accepted++;
                    if (!options.KeepGeneratorAfterSuccess) generators.Reinitialise(l, weights);
                    NewTask(l); // by default the same generator goes on to the next stimulus
                    continue;
                }
                if (stepsUsed[l] >= options.MaxSteps)
                {
                    generators.Reinitialise(l, weights);
                    reinitialisations++;
                    NewTask(l);
                    continue;
                }
                update[l] = true;
                stepsUsed[l]++;
                steps++;
                // CE(c, softmax(a)) w.r.t. the teacher's logits: p − onehot(c).
                var g = gradient.AsSpan(l * classes, classes);
                for (int k = 0; k < classes; k++) g[k] = p[k] - (k == target[l] ? 1 : 0);
                if (inhibit)
                {
                    var q = idLogits.AsSpan(l * subjects, subjects);
                    double entropyTerm = 0;
                    for (int j = 0; j < subjects; j++) entropyTerm += q[j] * Math.Log(Math.Max(q[j], 1e-30f));
                    var gi = idGradient.AsSpan(l * subjects, subjects);
                    for (int j = 0; j < subjects; j++)
                        gi[j] = (float)(identityWeight * q[j] * (Math.Log(Math.Max(q[j], 1e-30f)) - entropyTerm));
                }
            }
            // Rows of lanes that are not updated carry zero gradient.
            for (int l = 0; l < lanes; l++)
                if (!update[l])
                {
                    gradient.AsSpan(l * classes, classes).Clear();
                    if (inhibit) idGradient.AsSpan(l * subjects, subjects).Clear();
                }
            if (update.Any(u => u))
            {
                var dView = dTeacher.View(lanes, classes);
                backend.Upload(gradient, dView);
                var dInput = teacherNet.BackwardToInput(dView, pass);
                if (inhibit)
                {
                    var idView = dIdentity.View(lanes, subjects);
                    backend.Upload(idGradient, idView);
                    backend.Axpy(1f, identityNet!.BackwardToInput(idView, pass), dInput);
                }
                generators.Step(dInput, update);
            }
            if (progress is not null && accepted >= nextReport)
            {
                progress.Report(new StimulusProgress(accepted, count, reinitialisations));
                nextReport = accepted + reportEvery;
            }
        }
        var stimuli = new StimulusSet(values, width, soft, classes, targets, thresholds).Take(accepted);
        return (stimuli, new StimulusSearchSummary(accepted, rounds, steps, reinitialisations, clock.Elapsed.TotalSeconds, completed && accepted == count));
    }

    /// <summary>The generators' output map: centre and half-width per column, kept inside [−limit, limit].</summary>
    internal static (float[] Centre, float[] Spread) OutputMap(StimulusSearchOptions options, int width, float limit)
    {
        var centre = options.OutputCentre ?? new float[width];
        var spread = options.OutputSpread ?? Enumerable.Repeat(limit, width).ToArray();
        if (centre.Length != width || spread.Length != width)
            throw new ArgumentException($"the generators' output centre and spread need {width} columns, got {centre.Length} and {spread.Length}");
        var clippedCentre = new float[width];
        var clippedSpread = new float[width];
        for (int j = 0; j < width; j++)
        {
            if (!float.IsFinite(centre[j]) || !(spread[j] > 0) || !float.IsFinite(spread[j]))
                throw new ArgumentException($"output column {j + 1}: the centre must be finite and the spread positive and finite");
            clippedCentre[j] = Math.Clamp(centre[j], -limit, limit);
            clippedSpread[j] = Math.Max(1e-6f, Math.Min(spread[j], limit - Math.Abs(clippedCentre[j])));
        }
        return (clippedCentre, clippedSpread);
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values) max = Math.Max(max, v);
        return max;
    }
}
