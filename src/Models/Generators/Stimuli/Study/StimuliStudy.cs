using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Models.Generators.Stimuli.Simulation;

namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>
/// The whole stimuli experiment on the built-in apnea simulator: simulate S_in member and S_out
/// non-member subjects, hold out 20 % of each subject's windows, train a non-DP teacher and DP teachers
/// at each ε on the members' windows, search stimuli from each (and, for the non-DP teacher, once more
/// with identity inhibition), train the three students on growing numbers of stimuli and measure
/// everything on the members' held-out real windows. Re-identification is subject-level linkage
/// (<see cref="MemberLinkage"/>, <see cref="LinkageStudy"/>) by an attacker's ID classifier trained
/// separately on the real training windows of all S_in + S_out candidates (not the one the inhibition
/// term used).
/// </summary>
public static class StimuliStudy
{
    /// <summary>Name of the non-DP teacher's row.</summary>
    public const string NonPrivate = "non-DP";

    /// <summary>Independent Gaussian noise centre + spread·N(0, 1) per column (clamped to ±1): inputs from the generators' range with no teacher in them.</summary>
    internal static float[] RangeNoise(GeneratorRange range, int rows, ulong seed)
    {
        var random = new Models.Simulation.SimulationRandom(seed ^ 0x4E4F495345UL);
        var x = new float[rows * range.Width];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < range.Width; j++)
                x[i * range.Width + j] = (float)Math.Clamp(range.Centre[j] + range.Spread[j] * random.Normal(), -1, 1);
        return x;
    }

    /// <summary>The apnea label's levels (no event, event).</summary>
    internal static readonly string[] Levels = ["0", "1"];

    /// <summary>
    /// The positive control's acceptance level: an excited stimulus needs the data holder's ID
    /// classifier's largest posterior at 0.5 or more (10 × chance with 20 subjects).
    /// </summary>
    internal const double ExcitationPosterior = 0.5;

    /// <summary>
    /// One stimulus search of the study from <paramref name="fitted"/> with inhibition weight
    /// <paramref name="lambda"/> (or, with <paramref name="excite"/>, that weight of identity excitation).
    /// </summary>
    internal static (StimulusSet Stimuli, StimulusSearchSummary Summary) Search(IComputeBackend backend, StimuliTeacher fitted, StimuliStudyOptions options,
        double lambda, int count, ulong seed, CancellationToken cancellation, bool excite = false) =>
        StimulusSearch.Run(backend, fitted.Teacher, fitted.Identity, fitted.Scaling.Limit, new StimulusSearchOptions
        {
            Count = count, Lanes = options.Lanes, InhibitIdentity = lambda, Seed = seed, ExciteIdentity = excite,
            IdentityAcceptance = excite ? Math.Max(1, ExcitationPosterior * fitted.Identity!.Classes) : lambda > 0 ? options.IdentityBound : double.PositiveInfinity,
            OutputCentre = fitted.Range.Centre, OutputSpread = fitted.Range.Spread,
        }, cancellation: cancellation);

    /// <summary>Runs the study; progress lines go to <paramref name="progress"/>.</summary>
    public static StimuliStudyResult Run(StimuliStudyOptions options, IComputeBackend backend, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        int candidates = options.Subjects + options.NonMembers;
        var everyone = ApneaSimulator.Simulate(new ApneaSimulatorOptions(candidates, options.WindowsPerSubject, options.Seed));
        var (everyoneTrain, everyoneTest) = everyone.Split(0.2, options.Seed ^ 0x53504C4954UL);
        var splits = LinkageStudy.MemberSplits(candidates, options.Subjects, options.LinkageSplits, options.Seed);
        // The data holder of the main study: the members' windows only, renumbered 0..S_in-1.
        var train = everyoneTrain.OfSubjects(splits[0]);
        var test = everyoneTest.OfSubjects(splits[0]);
        var scaling = WindowScaling.FromBounds(ApneaSimulator.ColumnBounds());
        var trainX = scaling.Apply(train.Values);
        var testX = scaling.Apply(test.Values);
        var everyoneTrainX = scaling.Apply(everyoneTrain.Values);
        double simulate = clock.Elapsed.TotalSeconds;
        double teachersTime = 0, searchTime = 0, studentsTime = 0;

        // The attacker holds auxiliary recordings of every candidate, members and non-members alike,
        // equally many per subject, so that it has no prior preference for members.
        clock.Restart();
        var attacker = Classifier.Train(backend, ClassifierShape.Mlp, everyoneTrainX, everyoneTrain.Width, Classifier.OneHot(everyoneTrain.Subjects, candidates),
            candidates, new Training.DpSgdOptions { Private = false, ExpectedBatchSize = 64, Epochs = 30, Seed = options.Seed ^ 0xA77AC4E2UL },
            cancellation: cancellation).Classifier;
        var realReid = Reidentification.Of(backend, attacker, scaling.Apply(everyoneTest.Values), everyoneTest.Subjects);
        teachersTime += clock.Elapsed.TotalSeconds;
        progress?.Report($"attacker ID classifier ({candidates} candidates): real test windows re-identified top-1 {realReid.TopOne:P1} (chance {realReid.Chance:P1})");

        Reidentification? noiseReid = null;
        LinkageStudy.MainSplit? main = null;
        var teachers = new List<StudyTeacherRow>();
        var students = new List<StudyStudentRow>();
        var fits = new List<(string Name, double? Epsilon)> { (NonPrivate, null) };
        fits.AddRange(options.Epsilons.Select(e => ($"DP eps={e:0.###}", (double?)e)));
        foreach (var (name, epsilon) in fits)
        {
            cancellation.ThrowIfCancellationRequested();
            clock.Restart();
            var fitted = TeacherFitter.Fit(backend, train, scaling, Levels,
                new TeacherOptions { Epsilon = epsilon, Delta = options.Delta, Seed = options.Seed, TrainIdentity = epsilon is null && options.NeedsIdentity },
                cancellation: cancellation);
            var metrics = Students.Evaluate(backend, fitted.Teacher, testX, test.Labels);
            double auc = MembershipInference.Auc(backend, fitted.Teacher, trainX, train.Labels, testX, test.Labels);
            teachersTime += clock.Elapsed.TotalSeconds;
            progress?.Report($"teacher {name}: accuracy {metrics.Accuracy:P1}, kappa {metrics.Kappa:0.000}");

            var searches = new List<(string Name, double Lambda)> { (name, 0) };
            if (epsilon is null && options.InhibitIdentity > 0) searches.Add(($"{name}, inhibited", options.InhibitIdentity));
            foreach (var (rowName, lambda) in searches)
            {
                clock.Restart();
                var (stimuli, summary) = Search(backend, fitted, options, lambda, options.MaxCount, options.Seed ^ (ulong)teachers.Count, cancellation);
                searchTime += clock.Elapsed.TotalSeconds;
                var stimulusReid = Reidentification.Of(backend, attacker, stimuli.Values);
                var inhibitorReid = fitted.Identity is { } own && stimuli.Count > 0 ? Reidentification.Of(backend, own, stimuli.Values) : null;
                teachers.Add(new StudyTeacherRow(rowName, fitted.Ledger?.TotalEpsilon ?? double.PositiveInfinity, lambda, metrics, auc, summary, stimulusReid, inhibitorReid));
                if (epsilon is null && lambda == 0)
                {
                    noiseReid = Reidentification.Of(backend, attacker, RangeNoise(fitted.Range, options.MaxCount, options.Seed));
                    main = new LinkageStudy.MainSplit(fitted, stimuli, null);
                }
                else if (epsilon is null) main = main! with { Inhibited = stimuli };
                progress?.Report($"stimuli from {rowName}: {summary.Accepted} in {summary.Seconds:0.0} s ({summary.Reinitialisations} re-initialisations, {summary.GeneratorSteps / (double)Math.Max(1, summary.Accepted):0.0} steps per stimulus), " +
                    $"attacker's mean max posterior {stimulusReid.MeanMaxPosterior:P1}");

                clock.Restart();
                if (stimuli.Count == 0) continue; // reported in the teacher row; no student can learn from nothing
                // The full curve for the non-DP teacher; the largest count only for the others.
                var counts = rowName == NonPrivate ? options.StimulusCounts.Distinct().Order().ToArray() : [options.MaxCount];
                foreach (int count in counts)
                    foreach (var shape in Enum.GetValues<ClassifierShape>())
                    {
                        cancellation.ThrowIfCancellationRequested();
                        var student = Students.Train(backend, shape, stimuli.Take(count), options.Seed + (ulong)count);
                        var studentMetrics = Students.Evaluate(backend, student, testX, test.Labels);
                        double studentAuc = MembershipInference.Auc(backend, student, trainX, train.Labels, testX, test.Labels);
                        students.Add(new StudyStudentRow(rowName, shape, Math.Min(count, stimuli.Count), studentMetrics, studentAuc));
                    }
                studentsTime += clock.Elapsed.TotalSeconds;
                progress?.Report($"students of {rowName}: done");
            }
        }
        clock.Restart();
        var population = new LinkageStudy.Population(everyoneTrain, scaling, attacker);
        var linkageStudy = LinkageStudy.Run(options, backend, population, splits, main!, progress, cancellation);
        double linkageTime = clock.Elapsed.TotalSeconds;
        double eventShare = train.Labels.Concat(test.Labels).Average();
        return new StimuliStudyResult(options, train.Count, test.Count, eventShare, realReid, noiseReid!, linkageStudy, teachers, students,
            new StudyTimings(simulate, teachersTime, searchTime, studentsTime, linkageTime, total.Elapsed.TotalSeconds));
    }
}
