using System.CommandLine;
using System.Globalization;
using DpSynth.Kernels;
using DpSynth.Models.Evaluation;
using DpSynth.Models.Generators;
using DpSynth.Models.Tabular;

namespace DpSynth.Cli.Commands;

/// <summary>
/// `dpsynth evaluate`: fidelity, utility and distance-to-closest-record of a synthetic table
/// against the real training table and a real holdout. All three are read under one schema.
/// </summary>
internal static class EvaluateCommand
{
    private const string Description = """
        Evaluate a synthetic table against the real table it imitates and a real holdout: 1-way and
        2-way marginal total-variation distance, the share of each numeric column's synthetic values
        outside the real column's range, correlation difference, train-on-synthetic /
        test-on-real logistic regression (accuracy and ROC AUC beside train-on-real) and distance
        to closest record. The output reads the real data freely: it is for the data custodian,
        not for release. All three tables are read under --schema, or under the kinds inferred
        from the real table. Instead of --synthetic, --model samples a synthetic table of the real
        table's size from a model file of any generator kind (with --seed, reproducibly).

        Examples:
          dpsynth evaluate --real adult_train.csv --synthetic synth.csv --test adult_test.csv --label income
          dpsynth evaluate --real adult_train.csv --model adult.dpsynth --seed 1 --test adult_test.csv --label income
          dpsynth evaluate --real r.csv --synthetic s.csv --test t.csv --label event --json
        """;

    public static Command Create()
    {
        var real = new Option<string>("--real") { Description = "The real training table.", Required = true };
        var synthetic = new Option<string?>("--synthetic") { Description = "The synthetic table (or give --model)." };
        var model = new Option<string?>("--model") { Description = "A model file to sample the synthetic table from, as many rows as the real table (instead of --synthetic)." };
        var seed = NumberOptions.Long("--seed", "With --model: seed of the sampling noise (reproducible); default: OS CSPRNG.");
        var device = new Option<string>("--device") { Description = $"With --model: compute device: {string.Join(", ", BackendFactory.DeviceNames)}.", DefaultValueFactory = _ => "auto" };
        var test = new Option<string>("--test") { Description = "A real holdout table (not used for fitting).", Required = true };
        var label = new Option<string>("--label") { Description = "Label column of the utility task.", Required = true };
        var schemaPath = new Option<string?>("--schema", "-s") { Description = "Schema file to read all three tables under." };
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON." };

        var command = new Command("evaluate", Description) { real, synthetic, model, seed, device, test, label, schemaPath, json };
        command.SetAction(parse =>
        {
            string? modelPath = parse.GetValue(model), syntheticPath = parse.GetValue(synthetic);
            if ((modelPath is null) == (syntheticPath is null)) throw new CliInputException("give either --synthetic or --model");
            using var sampled = modelPath is null ? null : new SampledTable(modelPath, parse.GetValue(real)!, parse.GetValue(seed), parse.GetValue(device)!);
            var (r, s, t) = Read(parse.GetValue(real)!, sampled?.Path ?? syntheticPath!, parse.GetValue(test)!, parse.GetValue(schemaPath));
            foreach (var table in new[] { r, s, t })
                if (table.RowCount == 0) throw new CliInputException($"{table.Source}: expected data rows, but the table has none (only a header?)");
            string labelName = parse.GetValue(label)!;
            if (r.Find(labelName) is null) throw new CliInputException($"{r.Source}: no label column \"{labelName}\"");
            var report = SyntheticDataEvaluator.Evaluate(r, s, t, labelName);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(report.ToJson());
            else WriteSummary(output, report);
            return 0;
        });
        return command;
    }

    private static (Table Real, Table Synthetic, Table Test) Read(string real, string synthetic, string test, string? schemaPath)
    {
        try
        {
            foreach (var p in new[] { real, synthetic, test })
                if (!File.Exists(p)) throw new CliInputException($"{p}: file not found");
            var schema = schemaPath is not null ? TableSchemaJson.Load(schemaPath) : SchemaInference.Infer(TableReader.Read(real, null));
            return (TableReader.Read(real, schema), TableReader.Read(synthetic, Lenient(schema)), TableReader.Read(test, schema));
        }
        catch (TableFormatException e) { throw new CliInputException(e.Message, e); }
        catch (IOException e) { throw new CliInputException(e.Message, e); }
    }

    /// <summary>
    /// The schema a synthetic table is read under: a generator whose schema was decided with DP may
    /// emit missing values, or fractions, where the real table has none — that is for the metrics
    /// to measure, not a reason to refuse the file.
    /// </summary>
    private static TableSchema Lenient(TableSchema schema) => schema with
    {
        Columns = schema.Columns.Select(c => c with { Missing = true, Kind = c.Kind == ColumnKind.Integer ? ColumnKind.Continuous : c.Kind }).ToArray(),
    };

    /// <summary>
    /// A synthetic table sampled from a model file of any kind into a temporary CSV (so that it is read
    /// under the same schema as the real table), as many rows as the real table; deleted on dispose.
    /// </summary>
    private sealed class SampledTable : IDisposable
    {
        // Recorded as temporary, so that an interrupted run deletes it too.
        private readonly string _dir = TemporaryFiles.Shared.CreateScratchDirectory("dpsynth-evaluate-");

        public SampledTable(string modelPath, string realPath, long? seed, string device)
        {
            try
            {
                if (!File.Exists(realPath)) throw new CliInputException($"{realPath}: file not found");
                var fitted = GeneratorRegistry.Load(modelPath, readLedger: false);
                // Counted untyped: a schema inferred with DP may not describe every real cell (that is what the metrics measure).
                long rows = Math.Max(1, TableReader.Read(realPath, null).RowCount);
                using var backend = GeneratorRegistry.Get(fitted.Kind).UsesBackend ? BackendFactory.Create(device) : null;
                Path = System.IO.Path.Combine(_dir, "synthetic.csv");
                CsvBatchWriter.Write(Path, fitted.Sample(new SampleRequest(rows, seed is long s ? unchecked((ulong)s) : null), backend));
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public string Path { get; } = "";

        public void Dispose() => TemporaryFiles.Shared.Discard(_dir);
    }

    internal static void WriteSummary(TextWriter o, EvaluationReport report)
    {
        var f = report.Fidelity;
        var u = report.Utility;
        var p = report.Privacy;
        string line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        o.WriteLine(line($"rows: real {report.Rows.Real}, synthetic {report.Rows.Synthetic}, test {report.Rows.Test}"));
        o.WriteLine(line($"1-way TVD: mean {f.OneWayTvdMean:0.0000}, max {f.OneWayTvdMax:0.0000} ({f.OneWayBins} bins)"));
        o.WriteLine(line($"2-way TVD: mean {f.TwoWayTvdMean:0.0000}, max {f.TwoWayTvdMax:0.0000} ({f.TwoWayBins} bins)"));
        if (f.OutOfRange is [var worst, ..])
            o.WriteLine(line($"numeric values outside the real range: worst {worst.Column} {worst.Value:P2}; {string.Join(", ", f.OutOfRange.Skip(1).Select(s => line($"{s.Column} {s.Value:P2}")))}").TrimEnd(' ', ';'));
        o.WriteLine(line($"association difference: {f.CorrelationDifference:0.0000} (mean |real − synthetic| over column pairs; --json describes the measures)"));
        o.WriteLine(line($"utility (logistic regression, label {report.Label} = {u.PositiveClass}): train-on-real AUC {u.TrainOnReal.RocAuc:0.0000} accuracy {u.TrainOnReal.Accuracy:0.0000}; train-on-synthetic AUC {u.TrainOnSynthetic.RocAuc:0.0000} accuracy {u.TrainOnSynthetic.Accuracy:0.0000}"));
        o.WriteLine(line($"distance to closest record (median): synthetic→train {p.SyntheticToTrainMedian:0.0000}, holdout→train {p.HoldoutToTrainMedian:0.0000}; exact copies: synthetic {p.ExactCopyShareSynthetic:P2}, holdout {p.ExactCopyShareHoldout:P2}"));
    }
}
