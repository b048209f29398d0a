using System.Diagnostics;
using DpSynth.Kernels;
using DpSynth.Models.Generators.Stimuli.Simulation;

namespace DpSynth.Models.Generators.Stimuli.Study;

/// <summary>
/// The whole stimuli experiment on the built-in apnea simulator: simulate S subjects, hold out 20 % of
/// each subject's windows, train a non-DP teacher and DP teachers at each ε, search stimuli from each
/// (and, for the non-DP teacher, once more with identity inhibition), train the three students on
/// growing numbers of stimuli and measure everything on the held-out real windows. Re-identification is
/// measured by an attacker's ID classifier trained separately on the real training windows (not the
/// one the inhibition term used).
/// </summary>
public static class StimuliStudy
{
    /// <summary>Name of the non-DP teacher's row.</summary>
    public const string NonPrivate = "non-DP";

    /// <summary>Runs the study; progress lines go to <paramref name="progress"/>.</summary>
    public static StimuliStudyResult Run(StimuliStudyOptions options, IComputeBackend backend, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var windows = ApneaSimulator.Simulate(new ApneaSimulatorOptions(options.Subjects, options.WindowsPerSubject, options.Seed));
        var (train, test) = windows.Split(0.2, options.Seed ^ 0x53504C4954UL);
        var scaling = WindowScaling.FromBounds(ApneaSimulator.ColumnBounds());
        var trainX = scaling.Apply(train.Values);
        var testX = scaling.Apply(test.Values);
        double simulate = clock.Elapsed.TotalSeconds;
        double teachersTime = 0, searchTime = 0, studentsTime = 0;
        string[] levels = ["0", "1"];

        clock.Restart();
        var attacker = Classifier.Train(backend, ClassifierShape.Mlp, trainX, train.Width, Classifier.OneHot(train.Subjects, train.SubjectCount),
            train.SubjectCount, new Training.DpSgdOptions { Private = false, ExpectedBatchSize = 64, Epochs = 30, Seed = options.Seed ^ 0xA77AC4E2UL },
            cancellation: cancellation).Classifier;
        var realReid = Reidentification.Of(backend, attacker, testX, test.Subjects);
        teachersTime += clock.Elapsed.TotalSeconds;
        progress?.Report($"attacker ID classifier: real test windows re-identified top-1 {realReid.TopOne:P1} (chance {realReid.Chance:P1})");

        var teachers = new List<StudyTeacherRow>();
        var students = new List<StudyStudentRow>();
        var fits = new List<(string Name, double? Epsilon)> { (NonPrivate, null) };
        fits.AddRange(options.Epsilons.Select(e => ($"DP eps={e:0.###}", (double?)e)));
        foreach (var (name, epsilon) in fits)
        {
            cancellation.ThrowIfCancellationRequested();
            clock.Restart();
            var fitted = TeacherFitter.Fit(backend, train, scaling, levels,
                new TeacherOptions { Epsilon = epsilon, Delta = options.Delta, Seed = options.Seed, TrainIdentity = epsilon is null && options.InhibitIdentity > 0 },
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
                var (stimuli, summary) = StimulusSearch.Run(backend, fitted.Teacher, fitted.Identity, scaling.Limit, new StimulusSearchOptions
                {
                    Count = options.MaxCount, Lanes = options.Lanes, InhibitIdentity = lambda, Seed = options.Seed ^ (ulong)teachers.Count,
                }, cancellation: cancellation);
                searchTime += clock.Elapsed.TotalSeconds;
                var stimulusReid = Reidentification.Of(backend, attacker, stimuli.Values);
                teachers.Add(new StudyTeacherRow(rowName, fitted.Ledger?.TotalEpsilon ?? double.PositiveInfinity, lambda, metrics, auc, summary, stimulusReid));
                progress?.Report($"stimuli from {rowName}: {summary.Accepted} in {summary.Seconds:0.0} s ({summary.Reinitialisations} re-initialisations, {summary.GeneratorSteps / (double)Math.Max(1, summary.Accepted):0.0} steps per stimulus), attacker's mean max posterior {stimulusReid.MeanMaxPosterior:P1}");

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
        double eventShare = windows.Labels.Average();
        return new StimuliStudyResult(options, train.Count, test.Count, eventShare, realReid, teachers, students,
            new StudyTimings(simulate, teachersTime, searchTime, studentsTime, total.Elapsed.TotalSeconds));
    }
}
