using System.CommandLine;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Generators.Stimuli;
using DpSynth.Models.Generators.Stimuli.Simulation;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>`dpsynth stimuli simulate | teach | generate | evaluate`: the stimuli workflow on a windows table.</summary>
internal static class StimuliDataCommands
{
    private static Option<string> Device() => new("--device") { Description = $"Compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };

    private static int Int(long? value, int fallback, string name, long min, long max)
    {
        long v = value ?? fallback;
        if (v < min || v > max) throw new CliInputException($"{name} must be between {min} and {max}, got {v}");
        return (int)v;
    }

    public static Command Simulate()
    {
        var subjects = NumberOptions.Long("--subjects", "Subjects S, 2-1000; default 20.");
        var windows = NumberOptions.Long("--windows", "Windows per subject; default 300 (20% of each subject's go to the test file).");
        var seed = NumberOptions.Long("--seed", "Simulation seed; default 1.");
        var output = OutputGuard.Directory(new Option<string>("--output", "-o") { Description = "Directory for windows_train.csv, windows_test.csv and windows.schema.json.", Required = true });
        var command = new Command("simulate", """
            Write windows of the built-in sleep-apnea simulator as tables (one column per sample point:
            chest_00..spo2_59, then label and subject) with a schema declaring the channels' public bounds
            and the label and subject lists, for trying `stimuli teach`, `generate` and `evaluate`.

            Example:
              dpsynth stimuli simulate -o apnea
            """) { subjects, windows, seed, output };
        command.SetAction(parse =>
        {
            var options = new ApneaSimulatorOptions(Int(parse.GetValue(subjects), 20, "--subjects", 2, 1000),
                Int(parse.GetValue(windows), 300, "--windows", 10, 100_000), unchecked((ulong)(parse.GetValue(seed) ?? 1)));
            var (train, test) = ApneaSimulator.Simulate(options).Split(0.2, options.Seed);
            string dir = parse.GetValue(output)!;
            AtomicDirectory.Write(dir, temp =>
            {
                TableWriter.Write(WindowTableWriter.Windows(train, "windows_train.csv"), Path.Combine(temp, "windows_train.csv"));
                TableWriter.Write(WindowTableWriter.Windows(test, "windows_test.csv"), Path.Combine(temp, "windows_test.csv"));
                File.WriteAllText(Path.Combine(temp, "windows.schema.json"), TableSchemaJson.ToJson(WindowTableWriter.SimulatorSchema(options.Subjects)));
            });
            parse.InvocationConfiguration.Output.WriteLine($"wrote {train.Count} training and {test.Count} test windows of {options.Subjects} simulated subjects and the schema to {dir}");
            return 0;
        });
        return command;
    }

    public static Command Teach()
    {
        var data = new Argument<string>("DATA") { Description = "Windows table (.csv, .tsv, .parquet): one numeric column per sample point, a label column and a subject column." };
        var label = new Option<string>("--label") { Description = "The label column (classes: the schema's public categories, else 0/1).", Required = true };
        var subject = new Option<string?>("--subject") { Description = "The subject column; trains the participant-ID classifier that identity inhibition needs." };
        var schema = new Option<string?>("--schema") { Description = "Schema file; public bounds on every sample column let a DP teacher scale its inputs." };
        var epsilon = NumberOptions.Double("--epsilon", "Train teacher and ID classifier with DP-SGD at this total epsilon. Without it there is NO formal privacy guarantee.");
        var delta = NumberOptions.Double("--delta", "Delta of a DP fit; default 1e-5.");
        var epochs = NumberOptions.Double("--epochs", "Passes over the windows (default 30, or 20 with --epsilon).");
        var seed = NumberOptions.Long("--seed", "Seed of weights, sampling and noise: reproducible, not secure (recorded as such).");
        var output = OutputGuard.File(new Option<string>("--output", "-o") { Description = "The teacher model file to write.", Required = true });
        var device = Device();
        var command = new Command("teach", """
            Train the teacher (label) and the participant-ID classifier (subject) on a windows table and save
            both, with the input scaling, to a model file. With --epsilon both are DP-SGD stages of one
            privacy ledger after a DP row count (or the schema's public count): the stimuli generated from
            the file are then post-processing and carry that (epsilon, delta). A DP teacher needs public
            bounds on every sample column, and a DP ID classifier a public subject list, in the schema.

            Examples:
              dpsynth stimuli teach apnea/windows_train.csv --schema apnea/windows.schema.json --label label --subject subject -o teacher.dpsynth
              dpsynth stimuli teach apnea/windows_train.csv --schema apnea/windows.schema.json --label label --subject subject --epsilon 4 -o teacher-dp.dpsynth
            """) { data, label, subject, schema, epsilon, delta, epochs, seed, output, device };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var (table, tableSchema) = TableInput.Read(parse.GetValue(data)!, parse.GetValue(schema));
            var content = WindowTable.Read(table, tableSchema, parse.GetValue(label)!, parse.GetValue(subject));
            double? eps = parse.GetValue(epsilon);
            bool dp = eps is not null;
            WindowScaling scaling = content.PublicBounds is { } bounds ? WindowScaling.FromBounds(bounds)
                : dp ? throw new CliInputException($"{table.Source}: a DP teacher scales its inputs by public bounds; declare public bounds for every sample column in the schema (--schema)")
                : WindowScaling.Standardise(content.Windows);
            bool identity = parse.GetValue(subject) is not null && (!dp || content.SubjectsPublic);
            if (parse.GetValue(subject) is not null && !identity)
                config.Error.WriteLine("stimuli teach: the ID classifier is not trained: under DP its number of outputs would reveal the number of subjects; declare the subject column's categories public in the schema");
            var options = new TeacherOptions
            {
                Epsilon = eps, Delta = parse.GetValue(delta) ?? 1e-5, Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null, TrainIdentity = identity,
            };
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            var model = TeacherFitter.Fit(backend, content.Windows, scaling, content.LabelLevels, options, tableSchema.PublicRowCount,
                new LineProgress<(TeacherFitter.Stage Stage, Models.Training.TrainingProgress P)>(config.Error, v =>
                    v.P.Step == v.P.TotalSteps ? string.Create(CultureInfo.InvariantCulture, $"{v.Stage.ToString().ToLowerInvariant()}: {v.P.Step} steps done") : null),
                Interrupt.Token);
            string path = parse.GetValue(output)!;
            StimuliTeacherFile.Save(path, model);
            config.Output.WriteLine($"wrote {path}: teacher over {content.Windows.Width} sample columns, {model.LabelLevels.Count} classes{(model.Identity is null ? "" : $", ID classifier over {model.Identity.Classes} subjects")}");
            config.Output.WriteLine(model.GuaranteeText);
            return 0;
        });
        return command;
    }

    public static Command Generate()
    {
        var model = new Argument<string>("MODEL") { Description = "A teacher model file written by `stimuli teach`." };
        var count = NumberOptions.Long("--count", "Stimuli to accept (required).");
        var inhibit = NumberOptions.Double("--inhibit-identity", "Weight lambda of the identity-inhibition term lambda*KL(h_ID(G(z)) || uniform); default 0 (off).");
        var bound = NumberOptions.Double("--identity-bound", "With inhibition, accept a stimulus only if the ID classifier's largest posterior is at most this multiple of chance (1/S); default: no bound.");
        var lanes = NumberOptions.Long("--lanes", "Generators searched side by side; default 128.");
        var seed = NumberOptions.Long("--seed", "Seed of the search (z, classes, thresholds, generator weights); default: OS CSPRNG.");
        var output = OutputGuard.File(new Option<string>("--output", "-o") { Description = "The stimuli table to write (.csv, .tsv, .parquet).", Required = true });
        var device = Device();
        var command = new Command("generate", """
            Synthesise stimuli that excite the teacher's output neurons: per stimulus a class c and a threshold
            T ~ U[0.75, 0.9999] are drawn, and up to 50 Adam steps (lr 1e-3) on a generator's weights minimise
            CE(c, teacher(G(z))) for a fixed z (plus lambda*KL(ID(G(z)) || uniform) with --inhibit-identity)
            until softmax_c > T. Many generators run at once. The table holds the sample columns in recorded
            units, soft_<class> (the teacher's full softmax) and target (the class searched for). Nothing is
            written unless every requested stimulus was accepted.

            Example:
              dpsynth stimuli generate teacher.dpsynth --count 1000 --inhibit-identity 1 -o stimuli.csv
            """) { model, count, inhibit, bound, lanes, seed, output, device };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var teacher = StimuliTeacherFile.Load(parse.GetValue(model)!);
            var options = new StimulusSearchOptions
            {
                Count = Int(parse.GetValue(count) ?? throw new CliInputException("--count: give the number of stimuli to accept"), 0, "--count", 1, 10_000_000),
                InhibitIdentity = parse.GetValue(inhibit) ?? 0,
                IdentityAcceptance = parse.GetValue(bound) ?? double.PositiveInfinity,
                Lanes = Int(parse.GetValue(lanes), 128, "--lanes", 1, 65_536),
                Seed = parse.GetValue(seed) is long s ? unchecked((ulong)s) : null,
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new CliInputException(e.Message); }
            if (options.InhibitIdentity > 0 && teacher.Identity is null)
                throw new CliInputException($"{parse.GetValue(model)}: has no ID classifier (teach with --subject, and under DP a public subject list), so --inhibit-identity cannot be used");
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            var (stimuli, summary) = StimulusSearch.Run(backend, teacher.Teacher, teacher.Identity, teacher.Scaling.Limit, options,
                new LineProgress<StimulusProgress>(config.Error, p => $"accepted {p.Accepted}/{p.Requested} ({p.Reinitialisations} generators re-initialised)"), Interrupt.Token);
            Interrupt.Token.ThrowIfCancellationRequested();
            if (!summary.Completed)
                throw new CliInputException($"stimuli generate: gave up after accepting {summary.Accepted} of {options.Count} stimuli ({summary.Reinitialisations} generators ran out of steps); nothing was written; a weak teacher may not reach the thresholds in 50 steps (train it longer), and --identity-bound or a large --inhibit-identity make acceptance harder");
            string path = parse.GetValue(output)!;
            TableWriter.Write(WindowTableWriter.Stimuli(stimuli, teacher, Path.GetFileName(path)), path);
            config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {summary.Accepted} stimuli to {path} in {summary.Seconds:0.0} s ({summary.GeneratorSteps} generator steps, {summary.Reinitialisations} re-initialisations)"));
            config.Output.WriteLine(teacher.GuaranteeText);
            return 0;
        });
        return command;
    }

    public static Command Evaluate()
    {
        var stimuliPath = new Option<string>("--stimuli") { Description = "Stimuli table written by `stimuli generate`.", Required = true };
        var test = new Option<string>("--test") { Description = "Real test windows (the same sample columns, and a label column).", Required = true };
        var label = new Option<string>("--label") { Description = "The test table's label column; default label.", DefaultValueFactory = _ => "label" };
        var schema = new Option<string?>("--schema") { Description = "Schema of the test table." };
        var seed = NumberOptions.Long("--seed", "Seed of the students' training; default 1.");
        var device = Device();
        var command = new Command("evaluate", """
            Train the three students — the teacher's MLP architecture, a smaller MLP, logistic regression — on the
            stimuli alone (cross-entropy against the soft labels, inputs standardised by the stimuli's own
            statistics) and report accuracy, sensitivity, specificity and Cohen's kappa on the real test windows
            (positive class: the second class, e.g. 1). The output describes the test table: it is not a release.

            Example:
              dpsynth stimuli evaluate --stimuli stimuli.csv --test apnea/windows_test.csv --schema apnea/windows.schema.json
            """) { stimuliPath, test, label, schema, seed, device };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var (stimuliTable, _) = TableInput.Read(parse.GetValue(stimuliPath)!, null);
            var softColumns = stimuliTable.Columns.Where(c => c.Name.StartsWith("soft_", StringComparison.Ordinal)).ToArray();
            var sampleNames = stimuliTable.Columns.Where(c => !c.Name.StartsWith("soft_", StringComparison.Ordinal) && c.Name != "target").Select(c => c.Name).ToArray();
            if (softColumns.Length < 2) throw new CliInputException($"{stimuliTable.Source}: expected soft_<class> columns (a table written by `stimuli generate`)");
            var (testTable, testSchema) = TableInput.Read(parse.GetValue(test)!, parse.GetValue(schema));
            var real = WindowTable.Read(testTable, testSchema, parse.GetValue(label)!, null, sampleNames);
            var stimuli = StimuliFromTable(stimuliTable, sampleNames, real.LabelLevels);
            var scaling = WindowScaling.Standardise(new WindowSet(stimuli.Values, stimuli.Width, new int[stimuli.Count], new int[stimuli.Count], 1, sampleNames));
            var scaled = stimuli with { Values = scaling.Apply(stimuli.Values) };
            var testX = scaling.Apply(real.Windows.Values);
            using var backend = BackendFactory.Create(parse.GetValue(device)!);
            ulong seedValue = unchecked((ulong)(parse.GetValue(seed) ?? 1));
            config.Output.WriteLine($"{stimuli.Count} stimuli, {real.Windows.Count} test windows");
            config.Output.WriteLine($"{"student",-10} {"accuracy",9} {"sensitivity",12} {"specificity",12} {"kappa",7}");
            foreach (var shape in Enum.GetValues<ClassifierShape>())
            {
                Interrupt.Token.ThrowIfCancellationRequested();
                var student = Students.Train(backend, shape, scaled, seedValue, Interrupt.Token);
                var m = Students.Evaluate(backend, student, testX, real.Windows.Labels);
                config.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{shape.Name(),-10} {m.Accuracy,9:0.0%} {m.Sensitivity,12:0.0%} {m.Specificity,12:0.0%} {m.Kappa,7:0.000}"));
            }
            return 0;
        });
        return command;
    }

    // The stimuli table's samples (named like the test table's) and soft labels, in the test label's class order.
    private static StimulusSet StimuliFromTable(Table table, string[] sampleNames, IReadOnlyList<string> levels)
    {
        int n = table.RowCount, width = sampleNames.Length, classes = levels.Count;
        var values = new float[(long)n * width];
        for (int j = 0; j < width; j++)
        {
            if (table.Find(sampleNames[j]) is not NumericColumn column) throw new CliInputException($"{table.Source}: column {sampleNames[j]}: expected numbers");
            for (int i = 0; i < n; i++)
                values[(long)i * width + j] = double.IsFinite(column.Values[i]) ? (float)column.Values[i]
                    : throw new TableFormatException(table.Source, i + 2, sampleNames[j], "a number");
        }
        var soft = new float[n * classes];
        for (int k = 0; k < classes; k++)
        {
            string name = WindowTableWriter.SoftColumn(levels[k]);
            if (table.Find(name) is not NumericColumn column) throw new CliInputException($"{table.Source}: expected a numeric column {name} for the test label's class {levels[k]}");
            for (int i = 0; i < n; i++)
            {
                double p = column.Values[i];
                if (!(p >= 0 && p <= 1)) throw new TableFormatException(table.Source, i + 2, name, "a probability in [0, 1]");
                soft[i * classes + k] = (float)p;
            }
        }
        return new StimulusSet(values, width, soft, classes, new int[n], new float[n]);
    }

    /// <summary>Progress as plain lines on stderr (a null line is skipped).</summary>
    private sealed class LineProgress<T>(TextWriter error, Func<T, string?> line) : IProgress<T>
    {
        public void Report(T value)
        {
            if (line(value) is { } text) error.WriteLine(text);
        }
    }
}
