using DpSynth.Kernels;
using DpSynth.Kernels.Random;
using DpSynth.Models.Training;
using DpSynth.Privacy.Ledger;
using DpSynth.Privacy.Planning;
using DpSynth.Privacy.Randomness;

namespace DpSynth.Models.Generators.Stimuli;

/// <summary>
/// Trains the teacher (label) and the participant-ID classifier (subject) on scaled windows. With an ε
/// both are DP-SGD runs under one <see cref="PrivacyPlan"/>: a DP row count first (or the public count
/// the caller declares), then two DP-SGD stages with the same q and step count whose σ is calibrated so
/// that the ledger's composition of all three stages meets the budget. Without ε nothing is private
/// and the result says so.
/// </summary>
public static class TeacherFitter
{
    /// <summary>Which classifier a progress report is about.</summary>
    public enum Stage
    {
        /// <summary>The task teacher.</summary>
        Teacher,
        /// <summary>The participant-ID classifier.</summary>
        Identity,
    }

    /// <summary>Fits both classifiers.</summary>
    /// <param name="backend">Backend for training.</param>
    /// <param name="windows">The private windows (recorded units).</param>
    /// <param name="scaling">The input scaling; a DP fit needs one from public bounds.</param>
    /// <param name="labelLevels">The label's values in class order (two or more).</param>
    /// <param name="options">Settings.</param>
    /// <param name="publicRows">A row count the user declared public, or null (then a DP count is released).</param>
    /// <param name="progress">Training progress per stage.</param>
    /// <param name="cancellation">Stops training.</param>
    /// <exception cref="ArgumentException">A DP fit with a data-derived scaling, or bad settings.</exception>
    public static StimuliTeacher Fit(IComputeBackend backend, WindowSet windows, WindowScaling scaling, IReadOnlyList<string> labelLevels,
        TeacherOptions options, long? publicRows = null, IProgress<(Stage Stage, TrainingProgress Progress)>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Private && !scaling.FromPublicBounds)
            throw new ArgumentException("a DP teacher may only scale its inputs by public bounds; declare public bounds for every sample column in the schema");
        if (labelLevels.Count < 2) throw new ArgumentException("the label needs at least two classes");
        int classes = labelLevels.Count, width = windows.Width;
        var x = scaling.Apply(windows.Values);
        var labelTargets = Classifier.OneHot(windows.Labels, classes);
        var subjectTargets = Classifier.OneHot(windows.Subjects, windows.SubjectCount);
        int batch = options.BatchSize ?? (options.Private ? 256 : 64);
        double epochs = options.Epochs ?? (options.Private ? 20 : 30);
        float learningRate = options.LearningRate ?? (options.Private ? 5e-3f : 1e-3f);
        ulong? identitySeed = options.Seed is ulong s ? s ^ 0x4944454E54495459UL : null;

        PrivacyPlan? plan = null;
        DpSgdOptions teacherOptions, identityOptions;
        if (options.Private)
        {
            var randomness = options.Seed is ulong rs ? new RandomnessRecord(RandomnessKind.UserSeed, rs) : new RandomnessRecord(RandomnessKind.Csprng);
            plan = new PrivacyPlan(new PrivacyBudget(options.Epsilon!.Value, options.Delta), randomness, new PlanShares());
            IRandomSource random = options.Seed is ulong seed ? new SeededRandomSource(seed ^ NoiseStreams.RowCountSalt) : new CryptoRandomSource();
            plan.ReleaseRowCount(() => windows.Count, publicRows, random);
            var (q, steps) = plan.Sampling(batch, epochs);
            int runs = options.TrainIdentity ? 2 : 1;
            // Two stages with the same (q, σ, steps) compose exactly like one stage of twice the steps,
            // so σ for that one stage is σ for each of the two.
            double sigma = plan.TrainingNoiseMultiplier(q, steps * runs);
            DpSgdOptions Private(ulong? seed) => new()
            {
                Private = true, SampleRate = q, Steps = steps, NoiseMultiplier = sigma, Delta = options.Delta,
                ClipNorm = options.ClipNorm, PublicRecords = plan.RowCount.Rows, Seed = seed, Workers = RowPartition.DefaultWorkers,
            };
            teacherOptions = Private(options.Seed);
            identityOptions = Private(identitySeed);
        }
        else
        {
            DpSgdOptions Plain(ulong? seed) => new() { Private = false, ExpectedBatchSize = Math.Min(batch, windows.Count), Epochs = epochs, Seed = seed };
            teacherOptions = Plain(options.Seed);
            identityOptions = Plain(identitySeed);
        }
        var ledger = plan?.Ledger;
        var records = new List<TrainingRecord>();
        var (teacher, teacherRecord) = Classifier.Train(backend, ClassifierShape.Mlp, x, width, labelTargets, classes, teacherOptions,
            learningRate, ledger, Forward(progress, Stage.Teacher), cancellation);
        records.Add(teacherRecord);
        Classifier? identity = null;
        if (options.TrainIdentity)
        {
            (identity, var identityRecord) = Classifier.Train(backend, ClassifierShape.Mlp, x, width, subjectTargets, windows.SubjectCount, identityOptions,
                learningRate, ledger, Forward(progress, Stage.Identity), cancellation);
            records.Add(identityRecord);
        }
        return new StimuliTeacher(teacher, identity, scaling, windows.ColumnNames, labelLevels, ledger, records);
    }

    private static IProgress<TrainingProgress>? Forward(IProgress<(Stage, TrainingProgress)>? progress, Stage stage) =>
        progress is null ? null : new Progress(p => progress.Report((stage, p)));

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
