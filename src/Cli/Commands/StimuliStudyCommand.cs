using System.CommandLine;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Study;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth stimuli study`: the whole stimuli experiment on the built-in apnea simulator.</summary>
internal static class StimuliStudyCommand
{
    /// <summary>File names written into the output directory.</summary>
    public const string JsonFile = "study.json", PlotFile = "study.svg";

    private const string Description = """
        Run the stimuli experiment (Nikolaidis et al. 2021) on the built-in sleep-apnea simulator:
        S subjects with their own breathing identity, 60-s windows at 1 Hz of chest and abdominal effort,
        nasal flow and SpO2, label = the window holds an apnea or hypopnea of 10-40 s. 20% of each
        subject's windows are held out. A non-DP teacher and DP teachers (--epsilons) are trained; stimuli
        are searched from each (from the non-DP teacher also with identity inhibition); students (the
        teacher's MLP, a smaller MLP, logistic regression) learn from the stimuli' soft labels only and are
        tested on the real held-out windows. Re-identification uses an attacker's ID classifier trained
        separately on the real training windows. Prints the tables; DIR receives study.json (every figure)
        and study.svg (student accuracy against the number of stimuli). A few minutes on two cores.

        Examples:
          dpsynth stimuli study
          dpsynth stimuli study --subjects 10 --windows 200 --counts 100,500 --epsilons 4 -o stimuli-small
        """;

    public static Command Create()
    {
        var subjects = NumberOptions.Long("--subjects", "Simulated subjects S, 2-1000; default 20.");
        var windows = NumberOptions.Long("--windows", "Windows per subject; default 300.");
        var counts = new Option<string>("--counts") { Description = "Comma-separated numbers of stimuli the students learn from; default 100,250,500,1000.", DefaultValueFactory = _ => "100,250,500,1000" };
        var epsilons = new Option<string>("--epsilons") { Description = "Comma-separated epsilons of the DP teachers ('none' for no DP teacher); default 1,4.", DefaultValueFactory = _ => "1,4" };
        var delta = NumberOptions.Double("--delta", "Delta of the DP teachers; default 1e-5.");
        var inhibit = NumberOptions.Double("--inhibit-identity", "Weight lambda of identity inhibition for the inhibited run (0: no inhibited run); default 1.");
        var lanes = NumberOptions.Long("--lanes", "Generators searched side by side; default 128.");
        var seed = NumberOptions.Long("--seed", "Seed of simulation, training, noise and search (reproducible, not secret); default 1.");
        var output = OutputGuard.Directory(new Option<string>("--output", "-o") { Description = "Directory for study.json and study.svg (created if needed).", DefaultValueFactory = _ => "stimuli-study" });
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var command = new Command("study", Description) { subjects, windows, counts, epsilons, delta, inhibit, lanes, seed, output, device };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var options = new StimuliStudyOptions
            {
                Subjects = (int)Math.Clamp(parse.GetValue(subjects) ?? 20, int.MinValue, int.MaxValue),
                WindowsPerSubject = (int)Math.Clamp(parse.GetValue(windows) ?? 300, int.MinValue, int.MaxValue),
                StimulusCounts = StimuliOptions.Numbers(parse.GetValue(counts)!, "--counts").Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue)).ToArray(),
                Epsilons = parse.GetValue(epsilons) == "none" ? [] : StimuliOptions.Numbers(parse.GetValue(epsilons)!, "--epsilons"),
                Delta = parse.GetValue(delta) ?? 1e-5,
                InhibitIdentity = parse.GetValue(inhibit) ?? 1,
                Lanes = (int)Math.Clamp(parse.GetValue(lanes) ?? 128, int.MinValue, int.MaxValue),
                Seed = unchecked((ulong)(parse.GetValue(seed) ?? 1)),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new CliInputException(e.Message); }
            string dir = parse.GetValue(output)!;
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            config.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stimuli study: {options.Subjects} subjects x {options.WindowsPerSubject} windows, stimuli {string.Join(",", options.StimulusCounts)}, DP teachers at epsilon {(options.Epsilons.Count == 0 ? "none" : string.Join(",", options.Epsilons))} (delta {options.Delta:G3}), inhibition lambda {options.InhibitIdentity:R}, {options.Lanes} lanes on {backend.Name}, seed {options.Seed}"));
            var result = StimuliStudy.Run(options, backend, new Progress(config.Error), Interrupt.Token);
            WriteSummary(config.Output, result);
            try
            {
                Directory.CreateDirectory(dir);
                AtomicFile.WriteText(Path.Combine(dir, JsonFile), StimuliStudyReport.ToJson(result));
                AtomicFile.WriteText(Path.Combine(dir, PlotFile), StimuliStudyReport.ToSvg(result));
            }
            catch (IOException ex) { throw new CliInputException($"{dir}: cannot write the study ({ex.Message.ReplaceLineEndings(" ")})"); }
            config.Output.WriteLine($"wrote {Path.Combine(dir, JsonFile)} and {Path.Combine(dir, PlotFile)}");
            return 0;
        });
        return command;
    }

    /// <summary>The study's tables.</summary>
    internal static void WriteSummary(TextWriter output, StimuliStudyResult r)
    {
        static string P(double v) => double.IsFinite(v) ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";
        static string F(double v, string format = "0.000") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var real = r.RealReidentification;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated: {r.Options.Subjects} subjects, {r.TrainWindows} training and {r.TestWindows} test windows, {r.EventShare:0.0%} with an event"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"re-identification of real test windows by the attacker's ID classifier: top-1 {real.TopOne:0.0%} = {real.TopOne / real.Chance:0.0}x chance ({real.Chance:0.0%}), mean max posterior {real.MeanMaxPosterior:0.0%} = {real.MeanMaxPosterior / real.Chance:0.0}x chance"));
        output.WriteLine();
        output.WriteLine("teachers and their stimuli (metrics on real test windows; MIA = membership-inference AUC, confidence attack):");
        output.WriteLine($"{"teacher",-22} {"eps",6} {"acc",7} {"sens",7} {"spec",7} {"kappa",6} {"MIA",6} {"stimuli",7} {"search s",8} {"reinit",7} {"reid maxpost",12} {"x chance",8}");
        foreach (var t in r.Teachers)
            output.WriteLine($"{t.Name,-22} {F(t.Epsilon, "0.00"),6} {P(t.Metrics.Accuracy),7} {P(t.Metrics.Sensitivity),7} {P(t.Metrics.Specificity),7} {F(t.Metrics.Kappa),6} {F(t.MembershipAuc),6} " +
                $"{t.Search.Accepted,7} {F(t.Search.Seconds, "0.0"),8} {t.Search.Reinitialisations,7} {P(t.StimulusReidentification.MeanMaxPosterior),12} {F(t.StimulusReidentification.MeanMaxPosterior / t.StimulusReidentification.Chance, "0.00"),8}");
        output.WriteLine();
        output.WriteLine("students trained on stimuli only (gap = teacher minus student):");
        output.WriteLine($"{"teacher",-22} {"student",-10} {"stimuli",7} {"acc",7} {"sens",7} {"spec",7} {"kappa",6} {"acc gap",8} {"k gap",6} {"MIA",6}");
        foreach (var s in r.Students)
        {
            var teacher = r.Teachers.First(t => t.Name == s.Teacher).Metrics;
            output.WriteLine($"{s.Teacher,-22} {s.Shape.Name(),-10} {s.Stimuli,7} {P(s.Metrics.Accuracy),7} {P(s.Metrics.Sensitivity),7} {P(s.Metrics.Specificity),7} {F(s.Metrics.Kappa),6} " +
                $"{F(100 * (teacher.Accuracy - s.Metrics.Accuracy), "+0.00;-0.00"),8} {F(teacher.Kappa - s.Metrics.Kappa, "+0.000;-0.000"),6} {F(s.MembershipAuc),6}");
        }
        var plain = r.Student(StimuliStudy.NonPrivate, ClassifierShape.Mlp);
        var inhibited = r.Student(StimuliStudy.NonPrivate + ", inhibited", ClassifierShape.Mlp);
        if (plain is not null && inhibited is not null)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cost of identity inhibition (same-architecture student, {plain.Stimuli} stimuli): accuracy {100 * (plain.Metrics.Accuracy - inhibited.Metrics.Accuracy):+0.00;-0.00} points, kappa {plain.Metrics.Kappa - inhibited.Metrics.Kappa:+0.000;-0.000}"));
        var t0 = r.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: {t0.Total:0.0} s (simulate {t0.Simulate:0.0} s, teachers {t0.Teachers:0.0} s, stimulus search {t0.Search:0.0} s, students {t0.Students:0.0} s)"));
        output.WriteLine("the non-DP teacher and its stimuli carry NO formal privacy guarantee; the DP teachers' stimuli carry the teachers' (epsilon, delta)");
    }

    private sealed class Progress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
