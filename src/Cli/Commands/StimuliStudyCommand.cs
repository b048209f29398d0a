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
        S member subjects (the data holder's) and --non-members other subjects, each with their own breathing
        identity; 60-s windows at 1 Hz of chest and abdominal effort, nasal flow and SpO2, label = the window
        holds an apnea or hypopnea of 10-40 s. 20% of each subject's windows are held out. A non-DP teacher
        and DP teachers (--epsilons) are trained on the members' windows; stimuli are searched from each (from
        the non-DP teacher also with identity inhibition); students (the teacher's MLP, a smaller MLP,
        logistic regression) learn from the stimuli' soft labels only and are tested on the members' held-out
        windows. Re-identification is subject-level linkage: an attacker's ID classifier trained on real
        windows of all members and non-members names a subject for each stimulus; the share named members,
        over the member share, is 1x when stimuli carry no identity (averaged over --splits random member
        splits, with noise and real-window controls; see docs/stimuli.md). Prints the tables; DIR receives
        study.json (every figure) and study.svg (student accuracy against the number of stimuli). A few
        minutes on two cores.

        Examples:
          dpsynth stimuli study
          dpsynth stimuli study --subjects 10 --windows 200 --counts 100,500 --epsilons 4 -o stimuli-small
        """;

    public static Command Create()
    {
        var subjects = NumberOptions.Long("--subjects", "Simulated member subjects S (the data holder's), 2-1000; default 20.");
        var nonMembers = NumberOptions.Long("--non-members", "Simulated non-member subjects only the re-identification attacker has recordings of, 1-10000; default 60 (chance 25%, maximum 4x).");
        var splits = NumberOptions.Long("--splits", "Random member splits (data holders) the re-identification measure is taken over, 1-100; default 20.");
        var excite = NumberOptions.Double("--excite-identity", "Weight lambda of identity excitation for the re-identification study's positive control (stimuli pushed to look like a member; never for a release; 0: no such run); default 1.");
        var linkageStimuli = NumberOptions.Long("--linkage-stimuli", "Stimuli per split (with and without inhibition) the re-identification measure reads; default 2000.");
        var windows = NumberOptions.Long("--windows", "Windows per subject; default 300.");
        var counts = new Option<string>("--counts") { Description = "Comma-separated numbers of stimuli the students learn from; default 1000,8000,32000,128000.", DefaultValueFactory = _ => "1000,8000,32000,128000" };
        var epsilons = new Option<string>("--epsilons") { Description = "Comma-separated epsilons of the DP teachers ('none' for no DP teacher); default 1,4.", DefaultValueFactory = _ => "1,4" };
        var delta = NumberOptions.Double("--delta", "Delta of the DP teachers; default 1e-5.");
        var inhibit = NumberOptions.Double("--inhibit-identity", "Weight lambda of identity inhibition for the inhibited run (0: no inhibited run); default 1.");
        var bound = NumberOptions.Double("--identity-bound", "In the inhibited run, accept a stimulus only if the ID classifier's largest posterior is at most this multiple of chance (1/S); default: no bound.");
        var lanes = NumberOptions.Long("--lanes", "Generators searched side by side; default 128.");
        var seed = NumberOptions.Long("--seed", "Seed of simulation, training, noise and search (reproducible, not secret); default 1.");
        var output = OutputGuard.Directory(new Option<string>("--output", "-o") { Description = "Directory for study.json and study.svg (created if needed).", DefaultValueFactory = _ => "stimuli-study" });
        var device = new Option<string>("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var command = new Command("study", Description) { subjects, nonMembers, splits, linkageStimuli, excite, windows, counts, epsilons, delta, inhibit, bound, lanes, seed, output, device };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var options = new StimuliStudyOptions
            {
                Subjects = (int)Math.Clamp(parse.GetValue(subjects) ?? 20, int.MinValue, int.MaxValue),
                NonMembers = (int)Math.Clamp(parse.GetValue(nonMembers) ?? 60, int.MinValue, int.MaxValue),
                LinkageSplits = (int)Math.Clamp(parse.GetValue(splits) ?? 20, int.MinValue, int.MaxValue),
                LinkageStimuli = (int)Math.Clamp(parse.GetValue(linkageStimuli) ?? 2000, int.MinValue, int.MaxValue),
                WindowsPerSubject = (int)Math.Clamp(parse.GetValue(windows) ?? 300, int.MinValue, int.MaxValue),
                StimulusCounts = StimuliOptions.Numbers(parse.GetValue(counts)!, "--counts").Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue)).ToArray(),
                Epsilons = parse.GetValue(epsilons) == "none" ? [] : StimuliOptions.Numbers(parse.GetValue(epsilons)!, "--epsilons"),
                Delta = parse.GetValue(delta) ?? 1e-5,
                InhibitIdentity = parse.GetValue(inhibit) ?? 1,
                ExciteIdentity = parse.GetValue(excite) ?? 1,
                IdentityBound = parse.GetValue(bound) ?? double.PositiveInfinity,
                Lanes = (int)Math.Clamp(parse.GetValue(lanes) ?? 128, int.MinValue, int.MaxValue),
                Seed = unchecked((ulong)(parse.GetValue(seed) ?? 1)),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new CliInputException(e.Message); }
            string dir = parse.GetValue(output)!;
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            config.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stimuli study: {options.Subjects} member + {options.NonMembers} non-member subjects x {options.WindowsPerSubject} windows, {options.LinkageSplits} member splits, stimuli {string.Join(",", options.StimulusCounts)}, DP teachers at epsilon {(options.Epsilons.Count == 0 ? "none" : string.Join(",", options.Epsilons))} (delta {options.Delta:G3}), inhibition lambda {options.InhibitIdentity:R}, {options.Lanes} lanes on {backend.Name}, seed {options.Seed}"));
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
        // Rounded first, so that a difference that rounds to zero prints "+0.000", not "-+0.000" or "-0.000".
        static string Signed(double v, int decimals)
        {
            if (!double.IsFinite(v)) return "-";
            double rounded = Math.Round(v, decimals);
            return (rounded == 0 ? 0.0 : rounded).ToString("+0." + new string('0', decimals) + ";-0." + new string('0', decimals), CultureInfo.InvariantCulture);
        }
        var real = r.RealReidentification;
        var link = r.Linkage;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated: {link.Members} member and {link.NonMembers} non-member subjects; the data holder has the members' {r.TrainWindows} training and {r.TestWindows} test windows, {r.EventShare:0.0%} with an event"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"re-identification of real test windows of all {link.Members + link.NonMembers} candidates by the attacker's ID classifier: top-1 {real.TopOne:0.0%} = {real.TopOne / real.Chance:0.0}x chance ({real.Chance:0.0%})"));
        WriteLinkage(output, r);
        var noise = r.NoiseReidentification;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"attribution confidence (the attacker's mean largest posterior; NOT re-identification): real test windows {real.MeanMaxPosterior / real.Chance:0.0}x chance, content-free noise within the generators' range {noise.MeanMaxPosterior / noise.Chance:0.0}x (its floor on such inputs)"));
        output.WriteLine();
        output.WriteLine("teachers and their stimuli (metrics on the members' real test windows; MIA = membership-inference AUC, confidence attack; conf = attribution confidence / chance; own ID = the data holder's ID classifier's confidence, which inhibition reads):");
        output.WriteLine($"{"teacher",-22} {"eps",6} {"acc",7} {"sens",7} {"spec",7} {"kappa",6} {"MIA",6} {"stimuli",7} {"search s",8} {"reinit",7} {"conf x",7} {"own ID x",8}");
        foreach (var t in r.Teachers)
            output.WriteLine($"{t.Name,-22} {F(t.Epsilon, "0.00"),6} {P(t.Metrics.Accuracy),7} {P(t.Metrics.Sensitivity),7} {P(t.Metrics.Specificity),7} {F(t.Metrics.Kappa),6} {F(t.MembershipAuc),6} " +
                $"{t.Search.Accepted,7} {F(t.Search.Seconds, "0.0"),8} {t.Search.Reinitialisations,7} " +
                $"{F(t.StimulusReidentification.MeanMaxPosterior / t.StimulusReidentification.Chance, "0.00"),7} " +
                $"{(t.InhibitorReidentification is { } own ? F(own.MeanMaxPosterior / own.Chance, "0.00") : "-"),8}");
        output.WriteLine();
        output.WriteLine("students trained on stimuli only (gap = teacher minus student):");
        output.WriteLine($"{"teacher",-22} {"student",-10} {"stimuli",7} {"acc",7} {"sens",7} {"spec",7} {"kappa",6} {"acc gap",8} {"k gap",6} {"MIA",6}");
        foreach (var s in r.Students)
        {
            var teacher = r.Teachers.First(t => t.Name == s.Teacher).Metrics;
            output.WriteLine($"{s.Teacher,-22} {s.Shape.Name(),-10} {s.Stimuli,7} {P(s.Metrics.Accuracy),7} {P(s.Metrics.Sensitivity),7} {P(s.Metrics.Specificity),7} {F(s.Metrics.Kappa),6} " +
                $"{Signed(100 * (teacher.Accuracy - s.Metrics.Accuracy), 2),8} {Signed(teacher.Kappa - s.Metrics.Kappa, 3),6} {F(s.MembershipAuc),6}");
        }
        var plain = r.Student(StimuliStudy.NonPrivate, ClassifierShape.Mlp);
        var inhibited = r.Student(StimuliStudy.NonPrivate + ", inhibited", ClassifierShape.Mlp);
        if (plain is not null && inhibited is not null)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"accuracy cost of identity inhibition (same-architecture student, {plain.Stimuli} stimuli; negative = inhibited student better): {Signed(100 * (plain.Metrics.Accuracy - inhibited.Metrics.Accuracy), 2)} points, kappa {Signed(plain.Metrics.Kappa - inhibited.Metrics.Kappa, 3)}"));
        var t0 = r.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: {t0.Total:0.0} s (simulate {t0.Simulate:0.0} s, teachers {t0.Teachers:0.0} s, stimulus search {t0.Search:0.0} s, students {t0.Students:0.0} s, extra linkage splits {t0.Linkage:0.0} s)"));
        output.WriteLine("the non-DP teacher and its stimuli carry NO formal privacy guarantee; the DP teachers' stimuli carry the teachers' (epsilon, delta)");
    }

    /// <summary>The re-identification table: linkage of stimuli and of the controls over the member splits.</summary>
    private static void WriteLinkage(TextWriter output, StimuliStudyResult r)
    {
        var link = r.Linkage;
        static string Cell(double value, double error) =>
            !double.IsFinite(value) ? "-"
            : double.IsFinite(error) && error > 0 ? string.Create(CultureInfo.InvariantCulture, $"{value:0.00} ± {error:0.00}")
            : value.ToString("0.00", CultureInfo.InvariantCulture);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"re-identification of stimuli (subject-level linkage over {link.Splits.Count} random member splits, {link.StimuliPerSplit} rows of stimuli or noise per split): the share of rows whose attacker top-1 subject (or posterior mass) is on the split's {link.Members} members, " +
            $"over the member share {link.MemberShare:0.0%} (1x = no identity, at most {1 / link.MemberShare:0.00}x), mean ± standard error over splits; " +
            $"'vs other holders' = the same share over the share of the other splits' rows on these members (cancels candidates every input falls into; jackknife error):"));
        output.WriteLine($"  {"rows",-42} {"top-1 x chance",14} {"mass x chance",14} {"top-1 vs other holders",22} {"mass vs other holders",22}");
        void Row(string name, LinkageMean? m)
        {
            if (m is null) return;
            output.WriteLine($"  {name,-42} {Cell(m.TopOneRatio, m.TopOneError),14} {Cell(m.MassRatio, m.MassError),14} " +
                $"{Cell(m.TopOneAgainstOthers, m.TopOneAgainstOthersError),22} {Cell(m.MassAgainstOthers, m.MassAgainstOthersError),22}");
        }
        Row("stimuli, no inhibition", link.Stimuli);
        Row(string.Create(CultureInfo.InvariantCulture, $"stimuli, inhibited (lambda {r.Options.InhibitIdentity:0.###})"), link.Inhibited);
        Row(string.Create(CultureInfo.InvariantCulture, $"control: stimuli excited (lambda {r.Options.ExciteIdentity:0.###})"), link.Excited);
        Row("control: content-free noise (expect ~1)", link.Noise);
        Row("control: members' windows half noise", link.BlendedMemberWindows);
        Row(string.Create(CultureInfo.InvariantCulture, $"control: members' windows (max {1 / link.MemberShare:0.00})"), link.MemberWindows);
        Row("control: non-members' windows (expect ~0)", link.NonMemberWindows);
    }

    private sealed class Progress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
